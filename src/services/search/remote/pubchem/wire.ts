// PUG REST, GET /rest/pug/compound/name/<name>/property/<list>/JSON
// (https://pubchem.ncbi.nlm.nih.gov/docs/pug-rest, "Compound property tables").

export interface PubChemProperties {
  CID: number;
  Title?: string;
  MolecularFormula?: string;
  /** A string in current answers ("180.16"), a number in older ones. */
  MolecularWeight?: string | number;
  IUPACName?: string;
  CanonicalSMILES?: string;
  ConnectivitySMILES?: string;
}

export interface PubChemPropertyTable {
  PropertyTable: { Properties: PubChemProperties[] };
}

export interface PubChemFault {
  Fault: { Code: string; Message: string; Details?: string[] };
}
