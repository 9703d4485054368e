// The project's own account stays true: every relative link in the README and docs/ resolves
// (file and heading), and every place the code cites a docs page and section names one that
// exists. Headings are matched as GitHub renders their anchors.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');
const tracked = (globs: string[]): string[] =>
  execFileSync('git', ['ls-files', ...globs], { cwd: ROOT, encoding: 'utf8' })
    .split('\n')
    .filter(Boolean);

/** Heading texts of a markdown file, without markup. */
function headings(file: string): string[] {
  const text = readFileSync(join(ROOT, file), 'utf8').replace(/```[\s\S]*?```/g, '');
  return [...text.matchAll(/^#{1,6}\s+(.+?)\s*#*\s*$/gm)].map((m) => m[1]!.replace(/[`*_]/g, '').trim());
}

/** GitHub's anchor of a heading: lower case, punctuation dropped, spaces to '-'. */
const slug = (h: string): string =>
  h
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');

const markdown = tracked(['*.md']).filter((f) => !f.startsWith('node_modules/'));
const code = tracked(['src/**', 'test/**', 'bench/**', '.ci/**', 'docker/**', 'zones/**']).filter(
  (f) => !f.endsWith('.md'),
);

describe('docs: links and citations resolve', () => {
  it('every relative link in the markdown files names a file and heading that exist', () => {
    const broken: string[] = [];
    for (const file of markdown) {
      const text = readFileSync(join(ROOT, file), 'utf8').replace(/```[\s\S]*?```/g, '');
      for (const m of text.matchAll(/\]\(([^)\s]+)\)/g)) {
        const link = m[1]!;
        if (/^[a-z]+:/i.test(link)) continue; // http:, mailto:
        const [path, anchor] = link.split('#') as [string, string | undefined];
        const target = path === '' ? file : normalize(join(dirname(file), path));
        if (!existsSync(join(ROOT, target))) {
          broken.push(`${file}: ${link}: no such file`);
          continue;
        }
        if (anchor && target.endsWith('.md') && !headings(target).map(slug).includes(anchor))
          broken.push(`${file}: ${link}: no heading with that anchor in ${target}`);
      }
    }
    expect(broken).toEqual([]);
  });

  it('every docs page and section the code cites exists', () => {
    const broken: string[] = [];
    const cite = /docs\/([a-z0-9-]+\.md)(?:,? \(?((?:"[^"]+"(?:, )?)+))?/g;
    for (const file of [...code, ...markdown]) {
      const text = readFileSync(join(ROOT, file), 'utf8');
      for (const m of text.matchAll(cite)) {
        const page = `docs/${m[1]}`;
        if (!existsSync(join(ROOT, page))) {
          broken.push(`${file}: cites ${page}: no such page`);
          continue;
        }
        const have = headings(page).map((h) => h.toLowerCase());
        for (const s of [...(m[2] ?? '').matchAll(/"([^"]+)"/g)].map((x) => x[1]!)) {
          // a heading may go on after the cited words ("Codec split: dns2 and the hot path")
          // a citation may wrap with its paragraph
          const cited = s.toLowerCase().replace(/\s+/g, ' ');
          if (
            !have.some(
              (h) => h === cited || (h.startsWith(cited) && /^[\s:,(—-]/.test(h.slice(cited.length))),
            )
          )
            broken.push(`${file}: cites ${page}, "${s}": no such section`);
        }
      }
    }
    expect(broken).toEqual([]);
  });
});
