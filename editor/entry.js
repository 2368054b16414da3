// The code panel's editor: CodeMirror 6 with the JavaScript language,
// bundled by ./vite.config.mjs into www/lib/editor/codemirror.js (one file,
// loaded only where a code panel is shown). The page's code imports the
// bundle, never the npm packages: www/ needs no bundler.
import { EditorView, basicSetup } from 'codemirror';
import { EditorState } from '@codemirror/state';
import { keymap } from '@codemirror/view';
import { indentWithTab } from '@codemirror/commands';
import { javascript } from '@codemirror/lang-javascript';
import { HighlightStyle, ensureSyntaxTree, syntaxHighlighting } from '@codemirror/language';
import { tags } from '@lezer/highlight';
import { lintGutter, setDiagnostics } from '@codemirror/lint';

/**
 * What the strict-CSP edits (vite.config.mjs) took out, in CSS: the tab
 * size, the crosshair cursor, the lint marks without their SVG images.
 */
const STRICT_CSP_THEME = EditorView.theme({
  '.cm-content': { tabSize: '4' },
  '&.cm-crosshair, &.cm-crosshair .cm-content': { cursor: 'crosshair' },
  '.cm-lint-marker-error': { content: 'none', width: '0.8em', height: '0.8em', borderRadius: '50%', background: '#d03030', display: 'inline-block', verticalAlign: 'middle' },
  '.cm-lintRange-error': { backgroundImage: 'none', textDecoration: 'underline wavy #d03030', textDecorationSkipInk: 'none' },
  '.cm-lintRange-warning': { backgroundImage: 'none', textDecoration: 'underline wavy #c08000' },
});

/**
 * Highlighting from the element's theme (playground.css's --code-*
 * colours, light and dark, each readable on the editor's background),
 * where CodeMirror's default is for light pages only.
 */
const THEMED_HIGHLIGHT = syntaxHighlighting(HighlightStyle.define([
  { tag: [tags.keyword, tags.controlKeyword, tags.moduleKeyword, tags.operatorKeyword, tags.definitionKeyword, tags.modifier], color: 'var(--code-keyword)' },
  { tag: [tags.string, tags.special(tags.string), tags.regexp, tags.escape], color: 'var(--code-string)' },
  { tag: [tags.number, tags.bool, tags.atom, tags.null], color: 'var(--code-number)' },
  { tag: [tags.comment, tags.lineComment, tags.blockComment, tags.docComment], color: 'var(--code-comment)', fontStyle: 'italic' },
  { tag: [tags.definition(tags.variableName), tags.function(tags.definition(tags.variableName)), tags.className, tags.typeName], color: 'var(--code-definition)' },
  { tag: [tags.propertyName, tags.definition(tags.propertyName)], color: 'var(--code-property)' },
  { tag: tags.invalid, color: 'var(--code-invalid)' },
]));

/** The editor's surface in the element's colours. */
const THEMED_SURFACE = EditorView.theme({
  '&': { color: 'var(--text)', backgroundColor: 'var(--bg)' },
  '.cm-content': { caretColor: 'var(--text)' },
  '.cm-cursor, .cm-dropCursor': { borderLeftColor: 'var(--text)' },
  '.cm-activeLine': { backgroundColor: 'var(--code-active-line)' },
  '.cm-activeLineGutter': { backgroundColor: 'var(--code-active-line)', color: 'var(--text)' },
  '&.cm-focused > .cm-scroller > .cm-selectionLayer .cm-selectionBackground, .cm-selectionBackground': { backgroundColor: 'var(--code-selection)' },
  '.cm-matchingBracket, &.cm-focused .cm-matchingBracket': { backgroundColor: 'var(--code-selection)', color: 'inherit' },
  '.cm-gutters': { backgroundColor: 'var(--panel)', color: 'var(--muted)', borderRight: '1px solid var(--border)' },
  '.cm-foldPlaceholder': { backgroundColor: 'var(--panel)', color: 'var(--muted)', borderColor: 'var(--border)' },
});

/**
 * Typing over a selection: done here rather than by the browser, whose
 * own editing (Chromium's), replacing text across highlighted spans, adds
 * a `style` attribute that a strict policy refuses (a console error).
 */
const REPLACE_SELECTION_HERE = EditorView.domEventHandlers({
  beforeinput(event, view) {
    if (event.inputType !== 'insertText' || typeof event.data !== 'string' || view.state.selection.ranges.every((range) => range.empty)) return false;
    event.preventDefault();
    view.dispatch(view.state.replaceSelection(event.data), { userEvent: 'input.type', scrollIntoView: true });
    return true;
  },
});

/**
 * An editor of JavaScript in `parent` (inside a shadow root: `root`).
 * Tab indents; Escape then Tab moves focus out of it (CodeMirror's way
 * out for keyboards).
 * @param {HTMLElement} parent
 * @param {{ doc: string, label: string, root?: ShadowRoot | Document, onChange?: (doc: string) => void }} options
 */
export function createEditor(parent, { doc, label, root, onChange }) {
  return new EditorView({
    parent,
    root,
    state: EditorState.create({
      doc,
      extensions: [
        basicSetup,
        javascript(),
        keymap.of([indentWithTab]),
        lintGutter(),
        STRICT_CSP_THEME,
        THEMED_HIGHLIGHT,
        THEMED_SURFACE,
        REPLACE_SELECTION_HERE,
        // Long lines wrap (an embed is narrow); tabindex tells checkers (axe) the text is focusable, as it is.
        EditorView.lineWrapping,
        EditorView.contentAttributes.of({ 'aria-label': label, tabindex: '0' }),
        EditorView.updateListener.of((update) => {
          if (update.docChanged) {
            update.view.dispatch(setDiagnostics(update.state, [])); // a mark is about the text it was made for
            onChange?.(update.state.doc.toString());
          }
        }),
      ],
    }),
  });
}

/**
 * The first syntax error of the editor's text, from the parser's own tree
 * (no code is run for this): `{ from, line, column, near }`, or null.
 * @param {EditorView} view
 */
export function firstSyntaxError(view) {
  const { state } = view;
  const tree = ensureSyntaxTree(state, state.doc.length, 1000);
  if (!tree) return null;
  let from = -1;
  tree.iterate({
    enter(node) {
      if (from >= 0) return false;
      if (node.type.isError) {
        from = node.from;
        return false;
      }
      return undefined;
    },
  });
  if (from < 0) return null;
  const line = state.doc.lineAt(from);
  const near = state.doc.sliceString(from, Math.min(line.to, from + 20)).trim() || 'the end of the line';
  return { from, line: line.number, column: from - line.from + 1, near };
}

/**
 * Marks an error in the editor (its gutter and text) until the text changes.
 * @param {EditorView} view
 * @param {number} from
 * @param {string} message
 */
export function markError(view, from, message) {
  const to = Math.min(view.state.doc.length, from + 1);
  view.dispatch(setDiagnostics(view.state, [{ from, to, severity: 'error', message }]));
}

/**
 * Replaces the editor's text.
 * @param {EditorView} view
 * @param {string} doc
 */
export function setText(view, doc) {
  view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: doc } });
}
