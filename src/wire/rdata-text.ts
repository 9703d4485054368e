// RDATA given as one presentation string (HTTP RRsets, journal entries): same tokens as a master file.

import { lex } from './lexer.ts';
import type { RdToken } from './rdata/parse.ts';

export function tokenizeRdata(text: string): RdToken[] {
  if (/[\n()]/.test(text.replace(/"(?:[^"\\]|\\.)*"/g, '')))
    throw new Error('RDATA must be one line without parentheses');
  const entries = lex(` ${text}`);
  return entries[0]?.tokens.map((t) => ({ text: t.text, quoted: t.quoted })) ?? [];
}
