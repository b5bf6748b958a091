// Rollup plugins that make the single script smaller without changing what it does.
// They run on the tsc output in lib/ (our own modules only, never on Lit's), keep the
// source maps exact, and fail the build rather than guess when they meet code they do
// not understand.
//
// - minifyTemplates: Lit's template minifier on html`` and css``, then each css``
//   becomes the same unsafeCSS("…") result, without the css tag's code.
// - staticProperties: tsc's `__decorate([property(…)], C.prototype, "x")` calls become
//   one `C.properties = { x: … }`, which Lit reads the same way; `_private` state then
//   shares one name with its uses, so the minifier can shorten it.
// - publicPrivates: `#name` members become `__Class_name` properties, which the
//   minifier shortens to one or two letters (it cannot shorten `#name`, and each needs
//   a declaration in the class body).
// - shortMessageIds: every msg() call gets a short explicit id, and the zh-Hans
//   module the same ids instead of 17-character hashes; the runtime then never hashes.
import { readFileSync } from 'node:fs';
import { generateMsgId } from '@lit/localize/internal/id-generation.js';
import MagicString from 'magic-string';
import { walk as estreeWalk } from 'estree-walker';
import minifyHtmlLiterals from '@lit-labs/rollup-plugin-minify-html-literals';

const OWN = /[\\/]lib[\\/].*\.js$/;

// ---- edits with an exact source map ---------------------------------------------------

/**
 * Applies non-overlapping `[start, end, text]` edits to `code` and returns the new code
 * with a source map back to `code` (magic-string, mapped at word boundaries: every
 * token of unchanged text maps to itself, each replacement to where the replaced text
 * began).
 */
function applyEdits(code, edits, file) {
  edits.sort((a, b) => a[0] - b[0]);
  const s = new MagicString(code);
  let pos = 0;
  for (const [start, end, text] of edits) {
    if (start < pos) throw new Error(`overlapping edits in ${file}`);
    if (start === end) s.appendLeft(start, text);
    else if (text) s.overwrite(start, end, text);
    else s.remove(start, end);
    pos = end;
  }
  return {
    code: s.toString(),
    map: s.generateMap({ source: file, hires: 'boundary', includeContent: false }),
  };
}

/** Calls `visit(node, parent)` for every node of an ESTree AST. */
function walk(ast, visit) {
  estreeWalk(ast, { enter: (node, parent) => visit(node, parent) });
}

// ---- css`` and html`` -----------------------------------------------------------------

/**
 * Lit's template minifier (html-minifier-next for html``, lightningcss for css``), then
 * our own step, which turns each css`` into unsafeCSS("…"): Lit's css tag's code then
 * stays out of the bundle. Measured gzip bytes (level 9) of dist/campaign-widgets.js
 * (.iife.js) [dist/console/console.js]:
 *   no template minifying at all      32202 (32293)
 *   our former regex step alone       30133 (30228) [64763]
 *   Lit's minifier alone              30185 (30273)  - it keeps the css tag's code
 *   Lit's css only, then our step     30115 (30212)
 *   Lit's html only, then our step    30056 (30147)
 *   Lit's minifier, then our step     30041 (30134) [64419]
 * After Lit's minifier, our former html whitespace pass saved 0 bytes in all three and
 * our regex CSS minifier 1 byte in the reader bundles and 0 in the console: both went.
 */
export function minifyTemplates() {
  return [minifyHtmlLiterals({ include: [OWN], failOnError: true }), ownTemplateStep()];
}

function ownTemplateStep() {
  return {
    name: 'minify-templates',
    transform(code, id) {
      if (!OWN.test(id) || !/\bcss ?`/.test(code)) return null;
      const edits = [];
      let styles = false;
      walk(this.parse(code), (node) => {
        if (node.type !== 'TaggedTemplateExpression' || node.tag.type !== 'Identifier') return;
        const tag = node.tag.name;
        const quasis = node.quasi.quasis;
        if (tag === 'css') {
          if (quasis.length > 1) {
            throw new Error(`${id}: css\`\` with \${…} is not minified; write it without`);
          }
          // A literal without values is what unsafeCSS() makes of its text; Lit's css
          // tag (and its checks of values) then stays out of the bundle.
          edits.push([
            node.start,
            node.end,
            `__unsafeCSS(${JSON.stringify(quasis[0].value.cooked)})`,
          ]);
          styles = true;
        }
      });
      if (styles) edits.push([0, 0, "import { unsafeCSS as __unsafeCSS } from 'lit';\n"]);
      return edits.length ? applyEdits(code, edits, id) : null;
    },
  };
}

// ---- decorators -> static properties ----------------------------------------------------

export function staticProperties() {
  return {
    name: 'static-properties',
    transform(code, id) {
      if (!OWN.test(id) || !code.includes('__decorate(')) return null;
      const edits = [];
      const byClass = new Map(); // class name -> { end, entries }
      walk(this.parse(code), (node, parent) => {
        if (parent?.type !== 'Program' || node.type !== 'ExpressionStatement') return;
        const call = node.expression;
        if (call.type !== 'CallExpression' || call.callee.name !== '__decorate') return;
        const [list, target, key] = call.arguments;
        const deco = list.elements;
        const ok =
          deco.length === 1 &&
          deco[0].type === 'CallExpression' &&
          ['property', 'state'].includes(deco[0].callee.name) &&
          deco[0].arguments.length <= 1 &&
          target.type === 'MemberExpression' &&
          target.property.name === 'prototype' &&
          key.type === 'Literal';
        if (!ok) {
          throw new Error(`${id}: a decorator other than @property/@state: use a getter`);
        }
        const options = deco[0].arguments[0];
        let value = options ? code.slice(options.start, options.end) : '{}';
        if (deco[0].callee.name === 'state') {
          value = options ? `{...${value},state:true}` : '{state:true}';
        }
        const cls = target.object.name;
        const entry = byClass.get(cls) ?? { end: 0, entries: [] };
        entry.entries.push(`${JSON.stringify(key.value)}:${value}`);
        entry.end = node.end;
        byClass.set(cls, entry);
        edits.push([node.start, node.end, '']);
      });
      for (const [cls, { end, entries }] of byClass) {
        edits.push([end, end, `\n${cls}.properties = {${entries.join(',')}};`]);
      }
      // The helper is now unused: drop it, so that no copy of it is left per module.
      const helper = /^var __decorate = [\s\S]*?\n};\n/m.exec(code);
      if (helper) edits.push([helper.index, helper.index + helper[0].length, '']);
      return applyEdits(code, edits, id);
    },
  };
}

// ---- short message ids ----------------------------------------------------------------

/**
 * `localeModule` is the generated zh-Hans module in lib/. Its hash ids, in order, become
 * `0`, `1`, … `z`, `10`, …; msg() calls get the id of their text as `{ id }`. A msg()
 * call whose text has no translation keeps its hash, which the runtime then computes.
 */
export function shortMessageIds(localeModule) {
  const ids = new Map();
  return {
    name: 'short-message-ids',
    buildStart() {
      const source = readFileSync(localeModule, 'utf8');
      ids.clear();
      for (const [, hash] of source.matchAll(/^\s*'([sh][0-9a-f]{16})':/gm)) {
        ids.set(hash, ids.size.toString(36));
      }
      if (!ids.size) throw new Error(`${localeModule}: no messages found`);
    },
    // Every translated text is looked up by its short id now, so the runtime's hashing
    // (for msg() calls without an id) can only find nothing: it finds nothing at once.
    load(id) {
      return /@lit[\\/]localize[\\/]internal[\\/]id-generation\.js$/.test(id)
        ? 'export const generateMsgId = () => "";'
        : null;
    },
    transform(code, id) {
      if (!OWN.test(id)) return null;
      const edits = [];
      if (id.endsWith(localeModule.replace(/^.*lib[\\/]/, ''))) {
        for (const m of code.matchAll(/^(\s*)'([sh][0-9a-f]{16})':/gm)) {
          const at = m.index + m[1].length;
          edits.push([at, at + m[0].length - m[1].length, `'${ids.get(m[2])}':`]);
        }
        return applyEdits(code, edits, id);
      }
      if (!code.includes('msg(')) return null;
      walk(this.parse(code), (node) => {
        if (node.type !== 'CallExpression' || node.callee.name !== 'msg') return;
        const [arg, options] = node.arguments;
        if (options) return; // an explicit id stays as written
        let strings;
        if (arg.type === 'Literal' && typeof arg.value === 'string') strings = arg.value;
        else if (arg.type === 'TemplateLiteral' && arg.expressions.length === 0) {
          strings = arg.quasis[0].value.cooked;
        } else if (arg.type === 'TaggedTemplateExpression' && arg.tag.name === 'str') {
          strings = arg.quasi.quasis.map((q) => q.value.cooked);
        } else {
          throw new Error(`${id}: msg() with an argument the build cannot give an id`);
        }
        const short = ids.get(generateMsgId(strings, false));
        if (short !== undefined) edits.push([arg.end, arg.end, `, { id: '${short}' }`]);
      });
      return edits.length ? applyEdits(code, edits, id) : null;
    },
  };
}

// ---- #private -> mangleable ----------------------------------------------------------

export function publicPrivates() {
  return {
    name: 'public-privates',
    transform(code, id) {
      if (!OWN.test(id) || !code.includes('#')) return null;
      const edits = [];
      let anonymous = 0;
      const classes = []; // names of the classes the walk is inside, innermost last
      estreeWalk(this.parse(code), {
        enter(node) {
          if (node.type === 'ClassDeclaration' || node.type === 'ClassExpression') {
            classes.push(node.id?.name ?? `anon${anonymous++}`);
          }
          const cls = classes.at(-1);
          if (node.type === 'PrivateIdentifier') {
            if (!cls) throw new Error(`${id}: #${node.name} outside a class`);
            edits.push([node.start, node.end, `__${cls}_${node.name}`]);
            return;
          }
          if (
            node.type === 'BinaryExpression' &&
            node.operator === 'in' &&
            node.left.type === 'PrivateIdentifier'
          ) {
            throw new Error(`${id}: #${node.left.name} in …: a brand check cannot be renamed`);
          }
          // A declaration without a value: the property appears on first assignment.
          if (
            node.type === 'PropertyDefinition' &&
            node.key.type === 'PrivateIdentifier' &&
            !node.value
          ) {
            edits.push([node.start, node.end, '']);
            this.skip();
          }
        },
        leave(node) {
          if (node.type === 'ClassDeclaration' || node.type === 'ClassExpression') classes.pop();
        },
      });
      return edits.length ? applyEdits(code, edits, id) : null;
    },
  };
}
