// Debian package stanzas (deb822: the format of /var/lib/dpkg/status and
// of APT's uncompressed Packages lists; Debian Policy §5.1): paragraphs of
// "Field: value" lines separated by blank lines, continuation lines starting
// with a space, " ." standing for an empty line in a Description.

export interface PackageStanza {
  package: string;
  version: string;
  architecture: string;
  section: string;
  synopsis: string;
  description: string;
  homepage: string;
  installed: boolean;
}

export function parseStanzas(text: string): PackageStanza[] {
  const out: PackageStanza[] = [];
  for (const paragraph of text.split(/\n\s*\n/)) {
    const fields = new Map<string, string>();
    let last = '';
    for (const line of paragraph.split('\n')) {
      if (line.startsWith(' ') || line.startsWith('\t')) {
        if (last !== '') fields.set(last, `${fields.get(last)}\n${line.trim() === '.' ? '' : line.trim()}`);
        continue;
      }
      const colon = line.indexOf(':');
      if (colon <= 0) continue;
      last = line.slice(0, colon).toLowerCase();
      fields.set(last, line.slice(colon + 1).trim());
    }
    const pkg = fields.get('package');
    if (pkg === undefined) continue;
    const description = fields.get('description') ?? '';
    const newline = description.indexOf('\n');
    out.push({
      package: pkg,
      version: fields.get('version') ?? '',
      architecture: fields.get('architecture') ?? '',
      section: fields.get('section') ?? '',
      synopsis: newline === -1 ? description : description.slice(0, newline),
      description: newline === -1 ? '' : description.slice(newline + 1),
      homepage: fields.get('homepage') ?? '',
      installed: /\binstalled$/.test(fields.get('status') ?? ''),
    });
  }
  return out;
}
