// Two-step tabs: what the first step answers (the pending provisioning's
// id, the unsubscribe-all's requestId) is what the second step takes. The
// fetcher notes it; a component inside GraphiQL puts it into the tab's
// variables, so the analyst runs the second step without copy and paste.

import { createElement as h, useEffect, useSyncExternalStore } from 'react';
import { useGraphiQL } from '@graphiql/react';

let carried = null;
const listeners = new Set();

// carryFrom reads a result for the ids the second steps take.
export function carryFrom(result) {
  const d = result && result.data;
  const vars = d?.subscribe?.pending?.id ? { id: d.subscribe.pending.id }
    : d?.unsubscribeAll?.requestId ? { requestId: d.unsubscribeAll.requestId } : null;
  if (!vars) return;
  carried = { vars, at: Date.now() };
  listeners.forEach((l) => l());
}

function subscribe(l) {
  listeners.add(l);
  return () => listeners.delete(l);
}

// Carry writes the noted ids into the variables editor and says so.
export function Carry() {
  const c = useSyncExternalStore(subscribe, () => carried);
  const editor = useGraphiQL((s) => s.variableEditor);
  useEffect(() => {
    if (!c || !editor) return;
    let current = {};
    try {
      current = JSON.parse(editor.getValue() || '{}');
    } catch {
      // replaced below: the editor held no JSON object
    }
    editor.setValue(JSON.stringify({ ...current, ...c.vars }, null, 2));
  }, [c, editor]);
  if (!c) return null;
  const [name, value] = Object.entries(c.vars)[0];
  return h('p', { className: 'cg-carry', role: 'status' }, `${name} ${value.slice(0, 16)}… is in the variables: run the next operation.`);
}
