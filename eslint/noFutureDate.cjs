// A test that writes a fixed date still to come means one thing today and another once the day
// has passed (CI went red on 3 December 2026 that way: a refusal "until 2 December" was over).
// Flags Date.UTC(…), Date.parse('…') and new Date(…) with literal arguments that name an instant
// after the moment lint runs. Times relative to now, or to an injected clock, are the fix.

/** The instant a literal date expression names, or undefined when it is not all literals. */
function literalInstant(node) {
  const args = node.arguments;
  if (args.length === 0) return undefined;
  const values = [];
  for (const a of args) {
    if (a.type === 'Literal' && (typeof a.value === 'number' || typeof a.value === 'string')) values.push(a.value);
    else if (a.type === 'UnaryExpression' && a.operator === '-' && a.argument.type === 'Literal')
      values.push(-a.argument.value);
    else return undefined;
  }
  const callee = node.callee;
  const isDate = (n) => n.type === 'Identifier' && n.name === 'Date';
  const member = (name) =>
    callee.type === 'MemberExpression' && isDate(callee.object) && !callee.computed && callee.property.name === name;
  if (node.type === 'CallExpression' && member('UTC') && values.every((v) => typeof v === 'number'))
    return Date.UTC(...values);
  if (node.type === 'CallExpression' && member('parse') && typeof values[0] === 'string') return Date.parse(values[0]);
  if (node.type === 'NewExpression' && isDate(callee)) {
    if (values.length === 1) return new Date(values[0]).getTime();
    if (values.every((v) => typeof v === 'number')) return new Date(...values).getTime();
  }
  return undefined;
}

exports.noFutureDate = {
  meta: {
    type: 'problem',
    docs: { description: 'No fixed date in the future in a test: it changes meaning once that day passes.' },
    schema: [],
    messages: {
      future:
        '{{when}} is still to come: once it has passed this test means something else. ' +
        'Use a time relative to Date.now() or to the clock the code is given.',
    },
  },
  create(context) {
    const now = Date.now();
    const check = (node) => {
      const at = literalInstant(node);
      if (at !== undefined && Number.isFinite(at) && at > now)
        context.report({ node, messageId: 'future', data: { when: new Date(at).toISOString() } });
    };
    return { CallExpression: check, NewExpression: check };
  },
};
