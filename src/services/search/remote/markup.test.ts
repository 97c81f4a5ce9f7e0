import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeEntities, parseMarkup, selectAll, selectFirst, textOf } from './markup.ts';
import { marked, markedFromHtml, plain, queryTerms, textFromHtml } from './snippet.ts';

test('markup: tolerant of unclosed and stray tags; scripts, styles and comments are skipped unread', () => {
  const root = parseMarkup(`<!DOCTYPE html><html><head><script>var s = "<div class='r'>x</div>"; if (a < b) {}</script><style>.r{}</style></head>
    <body><!-- <div class="r">commented</div> --><ul><li class="r a">one<li class="r">two &amp; <b>bold</i></li></ul>
    <p>para 1<p>para 2 &lt;3 a < b<div id="x" data-k='v"q'>end</div><br><img src=x.png alt=pic></body></html>`);
  assert.deepEqual(selectAll(root, 'li.r').map(textOf), ['one', 'two & bold']);
  assert.deepEqual(selectAll(root, 'p').map(textOf), ['para 1', 'para 2 <3 a < b end']);
  assert.equal(selectFirst(root, '#x')?.attrs['data-k'], 'v"q');
  assert.equal(selectFirst(root, 'img[alt=pic]')?.attrs.src, 'x.png');
  assert.equal(selectAll(root, '.r').length, 2, 'nothing from the script or the comment');
  assert.equal(selectAll(root, 'ul .a').length, 1);
  assert.equal(selectAll(root, 'ol li').length, 0);
});

test('markup: XML feeds: CDATA, namespaced names, self-closing elements, entities', () => {
  const root = parseMarkup('<?xml version="1.0"?><feed><entry><title><![CDATA[a <b> & c]]></title><link href="u" rel="alternate"/><arxiv:primary_category term="cs.IR"/></entry></feed>');
  assert.equal(textOf(selectFirst(root, 'title')), 'a <b> & c');
  assert.equal(selectFirst(root, 'link')?.attrs.href, 'u');
  assert.equal(selectFirst(root, 'arxiv:primary_category')?.attrs.term, 'cs.IR');
  // RSS's <link> holds text: in xml mode it is not HTML's void <link>.
  assert.equal(textOf(selectFirst(parseMarkup('<item><link>https://x.org/</link></item>', { xml: true }), 'link')), 'https://x.org/');
  assert.equal(textOf(selectFirst(parseMarkup('<item><link>https://x.org/</link></item>'), 'link')), '');
  assert.equal(decodeEntities('&#x41;&#66;&hellip;&bogus;&#0;'), 'AB…&bogus;\ufffd');
});

test('snippets: « » only around matches, never from the engine; clipped at a word without an open mark', () => {
  assert.deepEqual(queryTerms('rust "borrow checker" -unsafe site:so lifetime*'), ['rust', 'borrow', 'checker', 'so', 'lifetime']);
  assert.equal(marked('Rusty borrowing of a trust', 'rust borrow'), '«Rusty» «borrowing» of a trust');
  assert.equal(marked('a «fake» mark', 'x'), 'a "fake" mark');
  assert.equal(markedFromHtml('<span class="searchmatch">A</span> b «c»', (n, c) => n === 'span' && c === 'searchmatch'), '«A» b "c"');
  // The clip falls inside «hit me now»: the mark is closed before the ellipsis.
  const long = markedFromHtml(`${'word '.repeat(58)}<em>hit me now</em> ${'tail '.repeat(40)}`, (n) => n === 'em', 298);
  assert.ok(long.endsWith('«hit me»…'), long.slice(-20));
  assert.equal(plain('x'.repeat(400)).length, 321);
  assert.equal(textFromHtml('Electron <i>x</i> &amp; y'), 'Electron x & y');
});
