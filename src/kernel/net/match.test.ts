import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileRules, decide, parseAuthority, parseHost, parseHttpUrl, parseIp, screenName, type ProxyMode } from './match.ts';
import type { NetDestination } from '../sandbox-policy.ts';
import { isOctantError } from '../../lib/errors.ts';

const dest = (host: string, ports: [number, number] = [443, 443], protocol: NetDestination['protocol'] = 'https'): NetDestination => ({ host, ports, protocol });

/** Full decision as the proxy makes it: screen the name, "resolve" to `address`, decide. */
function allowed(rules: NetDestination[], mode: ProxyMode, authority: string, address: string): boolean {
  const compiled = compileRules(rules);
  const target = parseAuthority(authority, undefined);
  if (screenName(compiled, mode, target)) return false;
  return decide(compiled, mode, target, parseIp(address)!).allowed;
}

test('exact host names match exactly, case-insensitively, trailing dot ignored', () => {
  const rules = [dest('api.example.com')];
  assert.equal(allowed(rules, 'connect', 'api.example.com:443', '93.184.216.34'), true);
  assert.equal(allowed(rules, 'connect', 'API.Example.COM.:443', '93.184.216.34'), true);
  assert.equal(allowed(rules, 'connect', 'example.com:443', '93.184.216.34'), false);
  assert.equal(allowed(rules, 'connect', 'api.example.com.evil.net:443', '93.184.216.34'), false);
  assert.equal(allowed(rules, 'connect', 'xapi.example.com:443', '93.184.216.34'), false);
});

test('wildcards match subdomains only, never look-alike names', () => {
  const rules = [dest('*.example.com')];
  assert.equal(allowed(rules, 'connect', 'a.example.com:443', '1.2.3.4'), true);
  assert.equal(allowed(rules, 'connect', 'a.b.example.com:443', '1.2.3.4'), true);
  assert.equal(allowed(rules, 'connect', 'example.com:443', '1.2.3.4'), false);
  assert.equal(allowed(rules, 'connect', 'evil-example.com:443', '1.2.3.4'), false);
  assert.equal(allowed(rules, 'connect', 'example.com.evil.net:443', '1.2.3.4'), false);
  assert.equal(allowed(rules, 'connect', 'a.example.com.evil.net:443', '1.2.3.4'), false);
  assert.equal(allowed(rules, 'connect', 'aexample.com:443', '1.2.3.4'), false);
});

test('ports: inclusive ranges; protocols: http only plain, https/tcp only CONNECT', () => {
  const rules = [dest('h.test', [8000, 8010], 'https'), dest('p.test', [80, 80], 'http'), dest('t.test', [5432, 5432], 'tcp'), dest('u.test', [53, 53], 'udp')];
  assert.equal(allowed(rules, 'connect', 'h.test:8000', '1.2.3.4'), true);
  assert.equal(allowed(rules, 'connect', 'h.test:8010', '1.2.3.4'), true);
  assert.equal(allowed(rules, 'connect', 'h.test:8011', '1.2.3.4'), false);
  assert.equal(allowed(rules, 'connect', 'h.test:7999', '1.2.3.4'), false);
  assert.equal(allowed(rules, 'http', 'h.test:8000', '1.2.3.4'), false);
  assert.equal(allowed(rules, 'http', 'p.test:80', '1.2.3.4'), true);
  assert.equal(allowed(rules, 'connect', 'p.test:80', '1.2.3.4'), false);
  assert.equal(allowed(rules, 'connect', 't.test:5432', '1.2.3.4'), true);
  assert.equal(allowed(rules, 'http', 't.test:5432', '1.2.3.4'), true, 'http runs over tcp');
  assert.equal(allowed(rules, 'connect', 'u.test:53', '1.2.3.4'), false);
});

test('CIDR rules match IP literals and mapped IPv6; host bits and bad prefixes are refused', () => {
  const rules = [dest('10.0.0.0/8'), dest('2001:db8::/32'), dest('192.168.1.7')];
  assert.equal(allowed(rules, 'connect', '10.1.2.3:443', '10.1.2.3'), true);
  assert.equal(allowed(rules, 'connect', '11.0.0.1:443', '11.0.0.1'), false);
  assert.equal(allowed(rules, 'connect', '[::ffff:10.1.2.3]:443', '10.1.2.3'), true);
  assert.equal(allowed(rules, 'connect', '[::ffff:a01:203]:443', '10.1.2.3'), true);
  assert.equal(allowed(rules, 'connect', '[::ffff:b00:1]:443', '11.0.0.1'), false);
  assert.equal(allowed(rules, 'connect', '[2001:db8::1]:443', '2001:db8::1'), true);
  assert.equal(allowed(rules, 'connect', '[2001:db9::1]:443', '2001:db9::1'), false);
  assert.equal(allowed(rules, 'connect', '192.168.1.7:443', '192.168.1.7'), true);
  assert.equal(allowed(rules, 'connect', '192.168.1.8:443', '192.168.1.8'), false);
  for (const bad of ['10.0.0.1/8', '10.0.0.0/33', '10.0.0.0/x', '300.0.0.0/8', '*.10.0.0.1', '*.']) {
    assert.throws(() => compileRules([dest(bad)]), (e) => isOctantError(e, 'E_NET_RULE') && e.message.includes(bad));
  }
  assert.throws(() => compileRules([dest('a.test', [10, 5])]), (e) => isOctantError(e, 'E_NET_RULE'));
});

test('an IP-literal rule does not open a host name, and a name rule does not open its IP', () => {
  assert.equal(allowed([dest('93.184.216.34')], 'connect', 'example.com:443', '93.184.216.34'), false);
  assert.equal(allowed([dest('example.com')], 'connect', '93.184.216.34:443', '93.184.216.34'), false);
});

test('names resolving to loopback or link-local need a CIDR rule for that address', () => {
  assert.equal(allowed([dest('api.test')], 'connect', 'api.test:443', '127.0.0.1'), false);
  assert.equal(allowed([dest('api.test')], 'connect', 'api.test:443', '169.254.169.254'), false);
  assert.equal(allowed([dest('api.test')], 'connect', 'api.test:443', '::1'), false);
  assert.equal(allowed([dest('api.test')], 'connect', 'api.test:443', '::ffff:127.0.0.1'), false);
  assert.equal(allowed([dest('api.test'), dest('127.0.0.1')], 'connect', 'api.test:443', '127.0.0.1'), true);
  assert.equal(allowed([dest('api.test')], 'connect', 'api.test:443', '8.8.8.8'), true);
});

test('screenName refuses unlisted names before any resolution', () => {
  const rules = compileRules([dest('*.example.com'), dest('10.0.0.0/8')]);
  assert.equal(screenName(rules, 'connect', parseAuthority('secret.evil.net:443', undefined))?.allowed, false);
  assert.equal(screenName(rules, 'connect', parseAuthority('x.example.com:443', undefined)), undefined);
  assert.equal(screenName(rules, 'connect', parseAuthority('10.0.0.1:443', undefined)), undefined);
});

test('"*" allows any name and any non-local address', () => {
  const rules = [dest('*')];
  assert.equal(allowed(rules, 'connect', 'anything.example:443', '1.2.3.4'), true);
  assert.equal(allowed(rules, 'connect', '1.2.3.4:443', '1.2.3.4'), true);
  assert.equal(allowed(rules, 'connect', '127.0.0.1:443', '127.0.0.1'), false);
  assert.equal(allowed(rules, 'connect', '[::1]:443', '::1'), false);
  assert.equal(allowed(rules, 'connect', 'anything.example:443', '169.254.169.254'), false);
  assert.equal(allowed(rules, 'connect', 'anything.example:444', '1.2.3.4'), false);
});

test('ambiguous numeric host forms are refused', () => {
  for (const host of ['2130706433', '0x7f.1', '0x7f000001', '0177.0.0.1', '127.1', '127.0.0.01', '1.2.3', 'a.0x10', 'foo.123']) {
    assert.throws(() => parseHost(host), (e) => isOctantError(e, 'E_NET_TARGET'), host);
  }
  assert.deepEqual(parseHost('127.0.0.1'), { kind: 'ip', ip: { family: 4, value: 0x7f000001n, text: '127.0.0.1' } });
  assert.equal(parseHost('123.example.com').kind, 'name');
});

test('userinfo, percent-encoding, odd characters and bad ports are refused', () => {
  for (const authority of ['user@example.com:443', 'example.com@evil.net:443', 'ex%61mple.com:443', 'exa_mple.com:443', 'example.com:0', 'example.com:65536', 'example.com:44x', 'example.com', '[::1:443', '[::1]x:443', 'a..b:443', '-a.test:443']) {
    assert.throws(() => parseAuthority(authority, undefined), (e) => isOctantError(e, 'E_NET_TARGET'), authority);
  }
  for (const url of ['http://user:pw@example.com/', 'http://example.com@evil.net/', 'https://example.com/', 'ftp://example.com/', '/relative', 'http://2130706433/']) {
    assert.throws(() => parseHttpUrl(url), (e) => isOctantError(e, 'E_NET_TARGET'), url);
  }
});

test('absolute http URLs parse to host, port and path', () => {
  const t = parseHttpUrl('http://Example.com:8080/a/b?c=d#frag');
  assert.equal(t.hostText, 'example.com');
  assert.equal(t.port, 8080);
  assert.equal(t.path, '/a/b?c=d');
  assert.equal(parseHttpUrl('http://example.com').path, '/');
  assert.equal(parseHttpUrl('http://example.com?q=1').path, '/?q=1');
  assert.equal(parseHttpUrl('http://[::1]:81/').hostText, '[::1]');
});

test('IPv6 parsing: compressed, embedded IPv4, mapped', () => {
  assert.equal(parseIp('2001:db8::1')!.value, 0x20010db8000000000000000000000001n);
  assert.equal(parseIp('::1')!.value, 1n);
  assert.equal(parseIp('::ffff:1.2.3.4')!.text, '1.2.3.4');
  assert.equal(parseIp('::ffff:0102:0304')!.text, '1.2.3.4');
  assert.equal(parseIp('64:ff9b::1.2.3.4')!.value, 0x0064ff9b000000000000000001020304n);
  assert.equal(parseIp('fe80::1%eth0'), undefined);
  assert.equal(parseIp('01.2.3.4'), undefined);
});
