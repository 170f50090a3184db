// Every relative link of the documents resolves: to a file of the repository, and to a heading of it when
// the link names one (GitHub's anchors). A link may leave the repository only as a URL (public
// documentation); a relative path out of it is refused. Files move and sections get renamed: this says
// which link broke instead of a reader finding out.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

function markdownFiles(folder: string): string[] {
  return readdirSync(folder).flatMap((name) => {
    const path = join(folder, name);
    if (statSync(path).isDirectory()) return markdownFiles(path);
    return name.endsWith('.md') ? [path] : [];
  });
}

const documents = [
  join(root, 'README.md'),
  join(root, 'client/README.md'),
  ...markdownFiles(join(root, 'docs')),
];

/** The text outside fenced code blocks and inline code, where a link is a link. */
const prose = (markdown: string) => markdown.replace(/^```[\s\S]*?^```/gm, '').replace(/`[^`\n]*`/g, '');

/** GitHub's anchor for each heading: lower case, punctuation dropped, spaces as hyphens, repeats numbered. */
function anchorsOf(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  for (const [, heading] of markdown.replace(/^```[\s\S]*?^```/gm, '').matchAll(/^#{1,6} (.+)$/gm)) {
    const slug = heading!
      .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
      .toLowerCase()
      .replace(/[^\p{L}\p{N} _-]/gu, '')
      .replace(/ /g, '-');
    const count = seen.get(slug) ?? 0;
    seen.set(slug, count + 1);
    anchors.add(count === 0 ? slug : `${slug}-${count}`);
  }
  return anchors;
}

function brokenLinks(document: string): string[] {
  const markdown = readFileSync(document, 'utf8');
  const broken: string[] = [];
  for (const [, target] of prose(markdown).matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)) {
    if (/^[a-z][a-z+.-]*:/i.test(target!)) continue; // a URL: public documentation
    const [path, anchor] = target!.split('#') as [string, string | undefined];
    const file = path === '' ? document : resolve(dirname(document), decodeURIComponent(path));
    const where = `${relative(root, document)}: ${target}`;
    if (relative(root, file).startsWith('..')) broken.push(`${where} (outside the repository)`);
    else if (!existsSync(file)) broken.push(`${where} (no such file)`);
    else if (anchor && file.endsWith('.md') && !anchorsOf(readFileSync(file, 'utf8')).has(anchor))
      broken.push(`${where} (no such heading)`);
  }
  return broken;
}

describe('the documents', () => {
  it('find every document', () => {
    expect(documents.length).toBeGreaterThan(10);
  });

  it.each(documents.map((document) => [relative(root, document), document]))(
    '%s: every relative link resolves, inside the repository',
    (_name, document) => {
      expect(brokenLinks(document)).toEqual([]);
    },
  );
});
