// Our query -> a compound name (one path segment) -> a property table;
// compounds -> hits linking to their PubChem page. A query too long or
// with characters no compound name has is not sent.

import type { SearchHit, SearchQuery } from '../../types.ts';
import { arrayAt, isRecord, malformed, num, str } from '../engine-http.ts';
import { marked, plain } from '../snippet.ts';
import { ENGINE } from './errors.ts';

const PROPERTIES = 'Title,MolecularFormula,MolecularWeight,IUPACName,CanonicalSMILES';

export function toSearchUrl(query: SearchQuery): string | undefined {
  const name = query.text.trim();
  if (name === '' || name.length > 200 || /[/\\?#"<>]/.test(name)) return undefined;
  return `https://pubchem.ncbi.nlm.nih.gov/rest/pug/compound/name/${encodeURIComponent(name)}/property/${PROPERTIES}/JSON`;
}

export function toHits(body: unknown, query: SearchQuery): SearchHit[] {
  const table = isRecord(body) ? body.PropertyTable : undefined;
  return arrayAt(ENGINE, table, 'Properties').filter(isRecord).slice(query.offset, query.offset + query.limit).map((p, i) => {
    const cid = num(p.CID);
    if (cid === undefined) throw malformed(ENGINE, 'a compound without a CID');
    const weight = str(p.MolecularWeight);
    const facts = [str(p.MolecularFormula), weight !== '' ? `${weight} g/mol` : '', str(p.IUPACName) !== '' ? `IUPAC: ${str(p.IUPACName)}` : '', str(p.CanonicalSMILES) !== '' ? `SMILES: ${str(p.CanonicalSMILES)}` : ''];
    const meta: Record<string, string | number> = { cid };
    if (str(p.MolecularFormula) !== '') meta.formula = str(p.MolecularFormula);
    return {
      id: String(cid),
      engine: ENGINE,
      title: plain(str(p.Title) || `CID ${cid}`),
      url: `https://pubchem.ncbi.nlm.nih.gov/compound/${cid}`,
      snippet: marked(facts.filter((f) => f !== '').join(' · '), query.text),
      score: 1 / (query.offset + i + 1),
      meta,
    };
  });
}
