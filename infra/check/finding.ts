/** One problem in a template, as the checks report it and the CLI prints it. */
export interface Finding {
  /** Logical id of the resource, or `Parameters.<name>` / `Outputs.<name>` / `Template` for other sections. */
  readonly resource: string;
  /** Dotted path inside the resource's Properties (or the output, or the resource entry itself). */
  readonly property?: string;
  readonly message: string;
}

/** Where a finding is: a Finding without its message. */
export type Location = Pick<Finding, 'resource' | 'property'>;

export function formatFinding(finding: Finding): string {
  const where = finding.property === undefined ? finding.resource : `${finding.resource}.${finding.property}`;
  return `${where}: ${finding.message}`;
}
