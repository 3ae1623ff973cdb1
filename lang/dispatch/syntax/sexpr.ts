// Renders AST nodes as compact s-expressions, so tests can state the expected tree readably and a
// developer can see at a glance what the parser made of a program.

import type * as A from './ast.js';

export function typeToString(t: A.TypeExpr): string {
  switch (t.kind) {
    case 'type-name':
      return t.name;
    case 'type-apply':
      return `${t.name}{${t.args.map(typeToString).join(',')}}`;
    case 'type-union':
      return `Union{${t.members.map(typeToString).join(',')}}`;
  }
}

/** Floats always show a fraction or exponent, so `1.0` never prints like the integer `1`. */
function floatText(v: number): string {
  const s = String(v);
  return /[.eEn]/.test(s) ? s : `${s}.0`;
}

function typed(name: string, type: A.TypeExpr | null): string {
  return type === null ? name : `${name}::${typeToString(type)}`;
}

function block(body: readonly A.Stmt[]): string {
  return `(block${body.map((s) => ` ${toSexpr(s)}`).join('')})`;
}

function spaced(nodes: readonly A.Node[]): string {
  return nodes.map((n) => ` ${toSexpr(n)}`).join('');
}

export function toSexpr(n: A.Node): string {
  switch (n.kind) {
    case 'program':
      return `(program${spaced(n.body)})`;
    case 'function': {
      const ret = n.returnType === null ? '' : ` ::${typeToString(n.returnType)}`;
      return `(${n.short ? 'function=' : 'function'} ${n.name} (${n.params.map(toSexpr).join(' ')})${ret} ${block(n.body)})`;
    }
    case 'param':
    case 'field-def':
      return typed(n.name, n.type);
    case 'struct': {
      const sup = n.supertype === null ? '' : ` <: ${typeToString(n.supertype)}`;
      return `(${n.mutable ? 'mutable-struct' : 'struct'} ${n.name}${sup} (${n.fields.map(toSexpr).join(' ')}))`;
    }
    case 'abstract-type':
      return `(abstract ${n.name}${n.supertype === null ? '' : ` <: ${typeToString(n.supertype)}`})`;
    case 'const':
      return `(const ${n.name} ${toSexpr(n.value)})`;
    case 'expr':
      return toSexpr(n.expr);
    case 'assign':
      return `(${n.op} ${toSexpr(n.target)} ${toSexpr(n.value)})`;
    case 'var-decl':
      return `(${n.isLocal ? 'local' : 'decl'} ${typed(n.name, n.type)}${n.value === null ? '' : ` ${toSexpr(n.value)}`})`;
    case 'return':
      return n.value === null ? '(return)' : `(return ${toSexpr(n.value)})`;
    case 'if': {
      const [first, ...rest] = n.branches;
      const head = first === undefined ? '' : ` ${toSexpr(first.cond)} ${block(first.body)}`;
      const elifs = rest.map((b) => ` (elseif ${toSexpr(b.cond)} ${block(b.body)})`).join('');
      return `(if${head}${elifs}${n.elseBody === null ? '' : ` (else ${block(n.elseBody)})`})`;
    }
    case 'if-branch':
      return `(branch ${toSexpr(n.cond)} ${block(n.body)})`;
    case 'while':
      return `(while ${toSexpr(n.cond)} ${block(n.body)})`;
    case 'for':
      return `(for ${n.variable} ${toSexpr(n.iter)} ${block(n.body)})`;
    case 'break':
    case 'continue':
      return `(${n.kind})`;
    case 'int':
      return String(n.value);
    case 'float':
      return floatText(n.value);
    case 'bool':
      return String(n.value);
    case 'nothing':
      return 'nothing';
    case 'string':
      return JSON.stringify(n.value);
    case 'interp':
      return `(string${spaced(n.parts)})`;
    case 'ident':
      return n.name;
    case 'type-value':
      return typeToString(n.type);
    case 'call':
      return `(call ${toSexpr(n.callee)}${spaced(n.args)})`;
    case 'field':
      return `(. ${toSexpr(n.object)} ${n.name})`;
    case 'index':
      return `(ref ${toSexpr(n.object)}${spaced(n.indices)})`;
    case 'vector':
      return `(vect${spaced(n.elements)})`;
    case 'unary':
      return `(${n.op} ${toSexpr(n.operand)})`;
    case 'binary':
      return `(${n.op} ${toSexpr(n.left)} ${toSexpr(n.right)})`;
    case 'comparison':
      return `(comparison ${n.operands.map((o, i) => (i === 0 ? toSexpr(o) : `${n.ops[i - 1]} ${toSexpr(o)}`)).join(' ')})`;
    case 'isa':
      return `(isa ${toSexpr(n.value)} ${typeToString(n.type)})`;
    case 'and':
      return `(&& ${toSexpr(n.left)} ${toSexpr(n.right)})`;
    case 'or':
      return `(|| ${toSexpr(n.left)} ${toSexpr(n.right)})`;
    case 'jump':
      return toSexpr(n.stmt);
    case 'ternary':
      return `(? ${toSexpr(n.cond)} ${toSexpr(n.whenTrue)} ${toSexpr(n.whenFalse)})`;
    case 'range':
      return `(: ${toSexpr(n.start)}${n.step === null ? '' : ` ${toSexpr(n.step)}`} ${toSexpr(n.stop)})`;
    case 'type-name':
    case 'type-apply':
    case 'type-union':
      return typeToString(n);
  }
}
