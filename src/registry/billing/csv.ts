// CSV as carriers exchange it (RFC 4180): comma-separated fields, double quotes around fields
// that hold commas, quotes or line breaks ("" is a quote inside them), CRLF or LF line ends,
// an optional UTF-8 byte order mark. Rows keep their line number in the file, so an error names
// the line a person finds in a spreadsheet.

export interface CsvRow {
  /** 1-based line of the file where the row starts. */
  line: number;
  fields: string[];
}

export class CsvError extends Error {
  override name = 'CsvError';
  readonly line: number;
  constructor(line: number, message: string) {
    super(message);
    this.line = line;
  }
}

/** Every non-blank row of `text`, fields unquoted. Throws CsvError at an unterminated quote. */
export function parseCsv(text: string): CsvRow[] {
  const s = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const rows: CsvRow[] = [];
  let line = 1;
  let i = 0;
  const n = s.length;
  // the next quote in the text: found once, not once a line (that would be quadratic)
  let q = s.indexOf('"');
  while (i < n) {
    const start = line;
    // fast path: a line without quotes
    const eol = s.indexOf('\n', i);
    const end = eol === -1 ? n : eol;
    if (q !== -1 && q < i) q = s.indexOf('"', i);
    if (q === -1 || q >= end) {
      let lineText = s.slice(i, end);
      if (lineText.endsWith('\r')) lineText = lineText.slice(0, -1);
      if (lineText.trim() !== '') rows.push({ line: start, fields: lineText.split(',') });
      i = end + 1;
      line++;
      continue;
    }
    // a line with quoted fields, which may span lines
    const fields: string[] = [];
    let field = '';
    let quoted = false;
    let done = false;
    while (i < n && !done) {
      const c = s[i]!;
      if (quoted) {
        if (c === '"') {
          if (s[i + 1] === '"') {
            field += '"';
            i += 2;
            continue;
          }
          quoted = false;
          i++;
          continue;
        }
        if (c === '\n') line++;
        field += c;
        i++;
        continue;
      }
      if (c === '"' && field.trim() === '') {
        quoted = true;
        field = '';
        i++;
      } else if (c === ',') {
        fields.push(field);
        field = '';
        i++;
      } else if (c === '\n' || c === '\r') {
        if (c === '\r' && s[i + 1] === '\n') i++;
        i++;
        line++;
        done = true;
      } else {
        field += c;
        i++;
      }
    }
    if (quoted) throw new CsvError(start, `line ${start}: a quoted field is never closed`);
    fields.push(field);
    if (fields.length > 1 || fields[0]!.trim() !== '') rows.push({ line: start, fields });
  }
  return rows;
}

/** One field as CSV writes it: quoted when it holds a comma, quote or line break. */
export function csvField(v: string): string {
  return /[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

/** Rows as CSV text with CRLF line ends (RFC 4180). */
export function toCsv(rows: readonly (readonly string[])[]): string {
  let out = '';
  for (const r of rows) out += `${r.map(csvField).join(',')}\r\n`;
  return out;
}

/** Normalises a header cell: lower case, spaces and dashes to '_' ('Connection Fee' -> 'connection_fee'). */
export const headerKey = (h: string): string =>
  h
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, '_');
