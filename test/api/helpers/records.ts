// Record set changes for PATCH /v1/zones/{apex}/rrsets, as the tests write them again and again.

/** REPLACE: the RRset becomes exactly these records (master-file presentation). */
export const replace = (name: string, type: string, ttl: number, ...contents: string[]) => ({
  name,
  type,
  ttl,
  changetype: 'REPLACE' as const,
  records: contents.map((content) => ({ content })),
});

/** DELETE: the RRset goes. */
export const remove = (name: string, type: string) => ({ name, type, changetype: 'DELETE' as const });

/** The body of one PATCH. */
export const rrsets = (...changes: object[]) => ({ rrsets: changes });

/** REPLACE with one NAPTR written as fields (E2U+sip, order 100, preference 10, flag u): the regexp as is. */
export const replaceSipNaptr = (name: string, ttl: number, regexp: string) => ({
  name,
  type: 'NAPTR',
  ttl,
  changetype: 'REPLACE' as const,
  records: [{ order: 100, preference: 10, flags: 'u', service: 'E2U+sip', regexp }],
});
