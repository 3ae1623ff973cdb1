// Front end of the Julia-like language (issue #4): realistic programs compared as s-expressions,
// literals, statements, positions, and every syntax error (precedence: jl-precedence.spec.ts).

import assert from 'node:assert/strict';
import type * as A from '../lang/dispatch/syntax/ast.js';
import { tokenize } from '../lang/dispatch/syntax/lexer.js';
import { MAX_NESTING, parseExpression, parseProgram } from '../lang/dispatch/syntax/parser.js';
import { toSexpr } from '../lang/dispatch/syntax/sexpr.js';
import { ex, sx, syntaxError } from './jl-syntax.js';


describe('jl-parser: programs', () => {
  it('recursive fib', () => {
    const src = `# naive recursion
function fib(n::Int64)
    if n < 2
        return n
    end
    return fib(n - 1) + fib(n - 2)
end

println(fib(25))
`;
    assert.deepEqual(sx(src), [
      '(function fib (n::Int64) (block (if (< n 2) (block (return n))) (return (+ (call fib (- n 1)) (call fib (- n 2))))))',
      '(call println (call fib 25))',
    ]);
  });

  it('abstract hierarchy, one-line methods and a vector of abstract element type', () => {
    const src = `abstract type Shape end
abstract type Polygon <: Shape end

struct Circle <: Shape
    r::Float64
end

struct Rect <: Polygon
    w::Float64
    h::Float64
end

area(c::Circle) = 3.14159 * c.r^2
area(r::Rect) = r.w * r.h

function total_area(shapes::Vector{Shape})
    total = 0.0
    for s in shapes
        total += area(s)
    end
    return total
end

shapes = Shape[]
push!(shapes, Circle(1.0))
push!(shapes, Rect(2.0, 3.5))
println("total: $(total_area(shapes))")
`;
    assert.deepEqual(sx(src), [
      '(abstract Shape)',
      '(abstract Polygon <: Shape)',
      '(struct Circle <: Shape (r::Float64))',
      '(struct Rect <: Polygon (w::Float64 h::Float64))',
      '(function= area (c::Circle) (block (* 3.14159 (^ (. c r) 2))))',
      '(function= area (r::Rect) (block (* (. r w) (. r h))))',
      '(function total_area (shapes::Vector{Shape}) (block (= total 0.0) (for s shapes (block (+= total (call area s)))) (return total)))',
      '(= shapes (ref Shape))',
      '(call push! shapes (call Circle 1.0))',
      '(call push! shapes (call Rect 2.0 3.5))',
      '(call println (string "total: " (call total_area shapes)))',
    ]);
  });

  it('user methods on + * == (short, long, with return type) and operators called by name', () => {
    const src = `struct Point
    x::Float64
    y::Float64
end

+(a::Point, b::Point) = Point(a.x + b.x, a.y + b.y)

function *(k::Float64, p::Point)
    Point(k * p.x, k * p.y)
end

function ==(a::Point, b::Point)::Bool
    a.x == b.x && a.y == b.y
end

p = Point(1.0, 2.0) + Point(0.5, -1.5)
q = *(2.0, p)
println(p == q ? "same" : "different")
`;
    assert.deepEqual(sx(src), [
      '(struct Point (x::Float64 y::Float64))',
      '(function= + (a::Point b::Point) (block (call Point (+ (. a x) (. b x)) (+ (. a y) (. b y)))))',
      '(function * (k::Float64 p::Point) (block (call Point (* k (. p x)) (* k (. p y)))))',
      '(function == (a::Point b::Point) ::Bool (block (&& (== (. a x) (. b x)) (== (. a y) (. b y)))))',
      '(= p (+ (call Point 1.0 2.0) (call Point 0.5 -1.5)))',
      '(= q (call * 2.0 p))',
      '(call println (? (== p q) "same" "different"))',
    ]);
    const plus = parseProgram(src).body[1] as A.FunctionDef;
    assert.equal(plus.name, '+');
    assert.equal(plus.short, true);
    assert.deepEqual(plus.params.map((p) => [p.name, p.type?.kind]), [['a', 'type-name'], ['b', 'type-name']]);
  });

  it('mutable struct with an untyped field, field mutation and semicolons', () => {
    const src = `mutable struct Counter
    count::Int64
    label
end

function bump!(c::Counter, by)
    c.count += by
    c.label = "bumped $(c.count) times"
    nothing
end

c = Counter(0, "new")
bump!(c, 2); bump!(c, 3)
`;
    assert.deepEqual(sx(src), [
      '(mutable-struct Counter (count::Int64 label))',
      '(function bump! (c::Counter by) (block (+= (. c count) by) (= (. c label) (string "bumped " (. c count) " times")) nothing))',
      '(= c (call Counter 0 "new"))',
      '(call bump! c 2)',
      '(call bump! c 3)',
    ]);
    const counter = parseProgram(src).body[0] as A.StructDef;
    assert.equal(counter.mutable, true);
    assert.equal(counter.fields[1]!.type, null);
  });

  it('while with break and continue, for over a stepped range', () => {
    const src = `function first_multiple(v::Vector{Int64}, k::Int64)
    i = 1
    found = 0
    while i <= length(v)
        if v[i] % k != 0
            i += 1
            continue
        end
        found = v[i]
        break
    end
    for j = 10:-2:1
        found -= j
    end
    return found
end
`;
    assert.deepEqual(sx(src), [
      '(function first_multiple (v::Vector{Int64} k::Int64) (block (= i 1) (= found 0) ' +
        '(while (<= i (call length v)) (block (if (!= (% (ref v i) k) 0) (block (+= i 1) (continue))) (= found (ref v i)) (break))) ' +
        '(for j (: 10 -2 1) (block (-= found j))) (return found)))',
    ]);
  });

  it('string interpolation and escapes', () => {
    const src = String.raw`name = "Ada"
n = 3
println("Hello, $name! You have $n new $(n == 1 ? "message" : "messages").")
println("tab\there, quote \" backslash \\ dollar \$5\n")
s = "$(n * 2)$name"
`;
    assert.deepEqual(sx(src), [
      '(= name "Ada")',
      '(= n 3)',
      '(call println (string "Hello, " name "! You have " n " new " (? (== n 1) "message" "messages") "."))',
      String.raw`(call println "tab\there, quote \" backslash \\ dollar $5\n")`,
      '(= s (string (* n 2) name))',
    ]);
  });

  it('vectors: typed empty vectors, mixed literals, indexing and indexed assignment', () => {
    const src = `xs = Vector{Int64}()
anys = Vector{Any}()
mixed = [1, 2.5, "three", nothing, true]
empty = []
for i in 1:10
    push!(xs, i * i)
end
xs[1] = xs[2] - xs[3]
ys = [xs[1], xs[length(xs)],]
`;
    assert.deepEqual(sx(src), [
      '(= xs (call Vector{Int64}))',
      '(= anys (call Vector{Any}))',
      '(= mixed (vect 1 2.5 "three" nothing true))',
      '(= empty (vect))',
      '(for i (: 1 10) (block (call push! xs (* i i))))',
      '(= (ref xs 1) (- (ref xs 2) (ref xs 3)))',
      '(= ys (vect (ref xs 1) (ref xs (call length xs))))',
    ]);
    const callee = ((parseProgram(src).body[0] as A.Assign).value as A.Call).callee;
    assert.equal(callee.kind, 'type-value');
  });

  it('Union parameters, isa, and if / elseif / else', () => {
    const src = `function describe(x::Union{Int64, Float64, Nothing})
    if x isa Int64
        "an integer"
    elseif x isa Float64
        "a float"
    else
        "nothing at all"
    end
end

describe(nothing)
`;
    assert.deepEqual(sx(src), [
      '(function describe (x::Union{Int64,Float64,Nothing}) (block (if (isa x Int64) (block "an integer") (elseif (isa x Float64) (block "a float")) (else (block "nothing at all")))))',
      '(call describe nothing)',
    ]);
    const fn = parseProgram(src).body[0] as A.FunctionDef;
    assert.equal(fn.params[0]!.type!.kind, 'type-union');
  });

  it('constants, typed globals, local and typed locals', () => {
    const src = `const LIMIT = 1_000
const SCALE = 2.5e-3
total::Int64 = 0
function accumulate(n)
    local acc = 0
    local step::Int64 = 1
    local unset
    k::Int64 = n
    while k > 0
        acc += k * step
        k -= 1
    end
    acc
end
total = accumulate(LIMIT)
`;
    assert.deepEqual(sx(src), [
      '(const LIMIT 1000)',
      '(const SCALE 0.0025)',
      '(decl total::Int64 0)',
      '(function accumulate (n) (block (local acc 0) (local step::Int64 1) (local unset) (decl k::Int64 n) (while (> k 0) (block (+= acc (* k step)) (-= k 1))) acc))',
      '(= total (call accumulate LIMIT))',
    ]);
  });

  it('gcd and ÷ in one-line methods', () => {
    const src = `function mygcd(a::Int64, b::Int64)
    while b != 0
        t = b
        b = a % b
        a = t
    end
    return a
end

half(n::Int64) = n ÷ 2
next_collatz(n) = n % 2 == 0 ? half(n) : 3 * n + 1
`;
    assert.deepEqual(sx(src), [
      '(function mygcd (a::Int64 b::Int64) (block (while (!= b 0) (block (= t b) (= b (% a b)) (= a t))) (return a)))',
      '(function= half (n::Int64) (block (÷ n 2)))',
      '(function= next_collatz (n) (block (? (== (% n 2) 0) (call half n) (+ (* 3 n) 1))))',
    ]);
  });

  it('collatz with elseif chains and a loop over a vector literal', () => {
    const src = `function collatz_steps(n::Int64)
    steps = 0
    while n != 1
        if n % 2 == 0
            n = n ÷ 2
        elseif n % 3 == 0
            n = n ÷ 3
        else
            n = 3 * n + 1
        end
        steps += 1
    end
    return steps
end
for start in [6, 7, 27]
    println("collatz($start) = ", collatz_steps(start))
end
`;
    assert.deepEqual(sx(src), [
      '(function collatz_steps (n::Int64) (block (= steps 0) (while (!= n 1) (block ' +
        '(if (== (% n 2) 0) (block (= n (÷ n 2))) (elseif (== (% n 3) 0) (block (= n (÷ n 3)))) (else (block (= n (+ (* 3 n) 1))))) ' +
        '(+= steps 1))) (return steps)))',
      '(for start (vect 6 7 27) (block (call println (string "collatz(" start ") = ") (call collatz_steps start))))',
    ]);
  });

  it('nested ternaries, comparison chains and ranges in one-line methods', () => {
    const src = `sign_of(x) = x > 0 ? 1 : x < 0 ? -1 : 0
in_range(i, n) = 0 <= i < n
clamp01(x::Float64) = x < 0.0 ? 0.0 : x > 1.0 ? 1.0 : x
odd_range(n) = 1:2:n
pick(c, n) = c ? 1:n : n:-1:1
`;
    assert.deepEqual(sx(src), [
      '(function= sign_of (x) (block (? (> x 0) 1 (? (< x 0) -1 0))))',
      '(function= in_range (i n) (block (comparison 0 <= i < n)))',
      '(function= clamp01 (x::Float64) (block (? (< x 0.0) 0.0 (? (> x 1.0) 1.0 x))))',
      '(function= odd_range (n) (block (: 1 2 n)))',
      '(function= pick (c n) (block (? c (: 1 n) (: n -1 1))))',
    ]);
  });

  it('comments, unicode names, hex and short floats, zero-parameter functions', () => {
    const src = `#= A block comment
   #= nested =#
   still comment =#
α = 0x1F   # hex
β′ = .5; γ = 1.   # trailing
function zero_args()   # comment after header
    return
end
zero_args()
`;
    assert.deepEqual(sx(src), ['(= α 31)', '(= β′ 0.5)', '(= γ 1.0)', '(function zero_args () (block (return)))', '(call zero_args)']);
  });

  it('expressions continue inside brackets and after a trailing operator', () => {
    const src = `function long_sum(a, b, c,
                  d)
    result = a +
        b *
        c
    return (result
            - d)
end
v = [1,
     2,   # two
     3]
ok = long_sum(1, 2, 3, 4) == 3 &&
     length(v) == 3
x = 1
-2
`;
    assert.deepEqual(sx(src), [
      '(function long_sum (a b c d) (block (= result (+ a (* b c))) (return (- result d))))',
      '(= v (vect 1 2 3))',
      '(= ok (&& (== (call long_sum 1 2 3 4) 3) (== (call length v) 3)))',
      '(= x 1)',
      '-2',
    ]);
  });

  it('one-line if / while / for bodies and top-level statements in order', () => {
    const src = `n = 0; while n < 3; n += 1; end
if n == 3 println("three") else println("other") end
for i in 1:n; if i == 2; continue; end; println(i); end
function f() 42 end
`;
    assert.deepEqual(sx(src), [
      '(= n 0)',
      '(while (< n 3) (block (+= n 1)))',
      '(if (== n 3) (block (call println "three")) (else (block (call println "other"))))',
      '(for i (: 1 n) (block (if (== i 2) (block (continue))) (call println i)))',
      '(function f () (block 42))',
    ]);
  });
});

describe('jl-parser: literals and tokens', () => {
  it('integers, underscores, hex; floats in every accepted spelling', () => {
    assert.deepEqual(sx('1_000_000; 0x1F; 0; 9223372036854775807'), ['1000000', '31', '0', '9223372036854775807']);
    assert.deepEqual(sx('1.5; 1e3; 2.5e-3; 1E+2; .5; 1.; 1.e2; 1_0.2_5'), ['1.5', '1000.0', '0.0025', '100.0', '0.5', '1.0', '100.0', '10.25']);
    const lit = parseExpression('1_000') as A.IntLit;
    assert.equal(lit.value, 1000n);
    assert.equal(lit.text, '1_000');
  });

  it('a leading minus folds into a literal, not into a power', () => {
    const lit = parseExpression('-9223372036854775807') as A.IntLit;
    assert.equal(lit.kind, 'int');
    assert.equal(lit.value, -9223372036854775807n);
    assert.equal(parseExpression('-x').kind, 'unary');
    assert.equal(ex('- -1'), '(- -1)');
  });

  it('booleans, nothing, and strings without interpolation', () => {
    assert.deepEqual(sx('true; false; nothing; ""; "plain"'), ['true', 'false', 'nothing', '""', '"plain"']);
    assert.equal((parseExpression('"a\\tb"') as A.StringLit).value, 'a\tb');
  });

  it('interpolation parts: names, parenthesized expressions, nested strings, "$name!"', () => {
    assert.equal(ex('"x = $x and $(a + b)"'), '(string "x = " x " and " (+ a b))');
    assert.equal(ex('"$(f("in $y"))!"'), '(string (call f (string "in " y)) "!")');
    assert.equal(ex('"Hello, $name!"'), '(string "Hello, " name "!")');
    assert.equal(ex('"$(a)$(b)"'), '(string a b)');
    assert.equal(ex('"total: \\$$(n)"'), '(string "total: $" n)');
    assert.equal(ex('"two\nlines $x"'), '(string "two\\nlines " x)');
    const s = parseExpression('"v=$(v[1 +\n 1])"') as A.InterpString;
    assert.equal(s.kind, 'interp');
    assert.equal(toSexpr(s.parts[1]!), '(ref v (+ 1 1))');
  });

  it('identifiers: trailing !, unicode letters, primes; ÷ and ≤ are operators; a!=b compares', () => {
    assert.deepEqual(sx('push!(v, 1); Δt = a÷b; θ′ = x≤y; a!=b; ok!=true'), [
      '(call push! v 1)',
      '(= Δt (÷ a b))',
      '(= θ′ (<= x y))',
      '(!= a b)',
      '(!= ok true)',
    ]);
  });

  it('abstract, mutable, type, isa and where are ordinary names outside their forms', () => {
    assert.deepEqual(sx('type = 1; mutable = type + 1; abstract = 2; where = 3; isa(abstract, Int64)'), [
      '(= type 1)',
      '(= mutable (+ type 1))',
      '(= abstract 2)',
      '(= where 3)',
      '(call isa abstract Int64)',
    ]);
  });

  it('tokens carry positions, spacing, and unicode-aware columns', () => {
    const toks = tokenize('α = f(x) # c\n  "s$y"');
    assert.deepEqual(
      toks.map((t) => [t.kind, t.text, t.loc.line, t.loc.col, t.spaceBefore]),
      [
        ['ident', 'α', 1, 1, false],
        ['op', '=', 1, 3, true],
        ['ident', 'f', 1, 5, true],
        ['op', '(', 1, 6, false],
        ['ident', 'x', 1, 7, false],
        ['op', ')', 1, 8, false],
        ['newline', '\n', 1, 13, true],
        ['string', '"s$y"', 2, 3, true],
        ['eof', '', 2, 8, false],
      ],
    );
  });
});

describe('jl-parser: statements and forms', () => {
  it('assignment targets and every compound operator', () => {
    assert.deepEqual(sx('x = 1; a.b = 2; v[i] = 3; a.b[i].c = 4; x += 1; x -= 1; x *= 2; x /= 2; x ÷= 2; x %= 2; x ^= 2'), [
      '(= x 1)',
      '(= (. a b) 2)',
      '(= (ref v i) 3)',
      '(= (. (ref (. a b) i) c) 4)',
      '(+= x 1)',
      '(-= x 1)',
      '(*= x 2)',
      '(/= x 2)',
      '(÷= x 2)',
      '(%= x 2)',
      '(^= x 2)',
    ]);
  });

  it('assignment values may start on the next line', () => {
    assert.deepEqual(sx('x =\n  1 + 2'), ['(= x (+ 1 2))']);
  });

  it('for accepts in, = and ∈, whose iterable may itself use in', () => {
    assert.deepEqual(sx('for i in a:b end; for i = 1:3 end; for x ∈ xs end; for b in x in v end'), ['(for i (: a b) (block))', '(for i (: 1 3) (block))', '(for x xs (block))', '(for b (in x v) (block))']);
  });

  it('in names its function in calls and definitions, as an operator does', () => {
    assert.deepEqual(sx('in(x, p::P) = true\nfunction in(x, q::Q)\n  false\nend\n∉(x, p::P) = false\nif x in v || in(y, w)\nend'), [
      '(function= in (x p::P) (block true))',
      '(function in (x q::Q) (block false))',
      '(function= ∉ (x p::P) (block false))',
      '(if (|| (in x v) (call in y w)) (block))',
    ]);
  });

  it('return, break and continue as the right operand of && and ||', () => {
    assert.deepEqual(sx('function f(x)\n  x > 0 && return x\n  x < 0 || return\nend\nwhile c\n  a || break\n  b && continue\nend'), [
      '(function f (x) (block (&& (> x 0) (return x)) (|| (< x 0) (return))))',
      '(while c (block (|| a (break)) (&& b (continue))))',
    ]);
    assert.equal(syntaxError('x && return 1').bare, "'return' outside of a function");
    assert.equal(syntaxError('x || break').bare, "'break' outside of a loop");
    assert.equal(syntaxError('function f()\n  x && continue\nend').bare, "'continue' outside of a loop");
  });

  it('if without else, else if as a nested if, and empty bodies', () => {
    assert.deepEqual(sx('if a\nend\nif a\nelse if b\n  x\nend\nend'), ['(if a (block))', '(if a (block) (else (block (if b (block x)))))']);
    const ifs = parseProgram('if a\n x\nelseif b\n y\nend').body[0] as A.If;
    assert.equal(ifs.branches.length, 2);
    assert.equal(ifs.elseBody, null);
  });

  it('return with and without a value, including before end and else', () => {
    assert.deepEqual(sx('function f(x)\n  if x return end\n  return x; end'), ['(function f (x) (block (if x (block (return))) (return x)))']);
  });

  it('typed declarations without a value and parametric field types', () => {
    assert.deepEqual(sx('function g()\n  y::Float64\n  y = 1.0\nend\nstruct Bag <: Any\n  items::Vector{Union{Int64,Nothing}}\nend'), [
      '(function g () (block (decl y::Float64) (= y 1.0)))',
      '(struct Bag <: Any (items::Vector{Union{Int64,Nothing}}))',
    ]);
  });

  it('structs on one line, abstract types with newlines before end, Union{} as a type', () => {
    assert.deepEqual(sx('struct P; x::Int64; y end\nabstract type T <: Any\nend\nf(x::Union{}) = x'), [
      '(struct P (x::Int64 y))',
      '(abstract T <: Any)',
      '(function= f (x::Union{}) (block x))',
    ]);
  });

  it('operator definitions for unary minus and comparison, with a return type on a one-liner', () => {
    assert.deepEqual(sx('-(p::Point) = Point(-p.x, -p.y)\n<(a::P, b::P)::Bool = a.v < b.v'), [
      '(function= - (p::Point) (block (call Point (- (. p x)) (- (. p y)))))',
      '(function= < (a::P b::P) ::Bool (block (< (. a v) (. b v))))',
    ]);
  });

  it('a call statement that merely looks like a definition stays a call', () => {
    assert.deepEqual(sx('f(x) == 1\nf(x)[1] = 2'), ['(== (call f x) 1)', '(= (ref (call f x) 1) 2)']);
  });
});

describe('jl-parser: positions', () => {
  it('nodes carry the line and column of their first token', () => {
    const src = 'function f(a::Int64)\n    y = a +\n        2\n    return "v=$(y * 2)!"\nend\n';
    const fn = parseProgram(src).body[0] as A.FunctionDef;
    assert.deepEqual(fn.loc, { line: 1, col: 1 });
    assert.deepEqual(fn.params[0]!.loc, { line: 1, col: 12 });
    assert.deepEqual((fn.params[0]!.type as A.TypeName).loc, { line: 1, col: 15 });
    const assign = fn.body[0] as A.Assign;
    assert.deepEqual(assign.loc, { line: 2, col: 5 });
    const sum = assign.value as A.Binary;
    assert.deepEqual(sum.loc, { line: 2, col: 9 });
    assert.deepEqual(sum.right.loc, { line: 3, col: 9 });
    const ret = fn.body[1] as A.Return;
    assert.deepEqual(ret.loc, { line: 4, col: 5 });
    const str = ret.value as A.InterpString;
    assert.deepEqual(str.loc, { line: 4, col: 12 });
    assert.deepEqual(str.parts.map((p) => [p.kind, p.loc.line, p.loc.col]), [['string', 4, 13], ['binary', 4, 17], ['string', 4, 23]]);
  });

  it('if branches, struct fields and folded negative literals have their own positions', () => {
    const prog = parseProgram('struct S\n  a::Int64\n  b\nend\nif x\nelseif y\n  z = -1\nend');
    const s = prog.body[0] as A.StructDef;
    assert.deepEqual(s.fields.map((f) => f.loc), [{ line: 2, col: 3 }, { line: 3, col: 3 }]);
    const ifs = prog.body[1] as A.If;
    assert.deepEqual(ifs.branches.map((b) => b.loc), [{ line: 5, col: 1 }, { line: 6, col: 1 }]);
    assert.deepEqual(((ifs.branches[1]!.body[0] as A.Assign).value as A.IntLit).loc, { line: 7, col: 7 });
  });
});

describe('jl-parser: syntax errors', () => {
  it('message format with and without a file; fields; an Error subclass', () => {
    const e = syntaxError('x = )', 'prog.jl');
    assert.ok(e instanceof Error);
    assert.equal(e.name, 'JlSyntaxError');
    assert.equal(e.message, "prog.jl:1:5: syntax error: unexpected ')'");
    assert.equal(e.file, 'prog.jl');
    assert.equal(e.line, 1);
    assert.equal(e.col, 5);
    assert.equal(e.bare, "unexpected ')'");
    const bare = syntaxError('x = )');
    assert.equal(bare.file, undefined);
    assert.equal(bare.message, "1:5: syntax error: unexpected ')'");
  });

  it('reports the first error in source order even when a later line has a lexical error', () => {
    const e = syntaxError('f(x,\n  y z)\nw = 1.2.3', 'prog.jl');
    assert.equal(e.message, "prog.jl:2:5: syntax error: expected ',' or ')' in argument list, found 'z'");
  });

  const cases: Array<[string, string, number, number, string]> = [
    ['unclosed function', 'function f(x)\n  x + 1\n  y = 2', 3, 8, "expected 'end' to close 'function' opened at 1:1, found end of input"],
    ['unclosed if inside a function', 'function f(x)\n  if x\n    1\nend', 4, 4, "expected 'end' to close 'function' opened at 1:1, found end of input"],
    ['unclosed while', 'while true\n', 2, 1, "expected 'end' to close 'while' opened at 1:1, found end of input"],
    ['unclosed for', '  for i in 1:3\n', 2, 1, "expected 'end' to close 'for' opened at 1:3, found end of input"],
    ['second else', 'if a\nelse\nelse\nend', 3, 1, "expected 'end' to close 'if' opened at 1:1, found 'else'"],
    ['unclosed struct', 'mutable struct P\n  x', 2, 4, "expected 'end' to close 'mutable struct' opened at 1:1, found end of input"],
    ['unclosed abstract type', 'abstract type A <: B', 1, 21, "expected 'end' to close 'abstract type' opened at 1:1, found end of input"],
    ['unclosed call', 'f(1,\n  2', 2, 4, "expected ')' to close '(' opened at 1:2, found end of input"],
    ['unclosed vector', 'v = [1, 2', 1, 10, "expected ']' to close '[' opened at 1:5, found end of input"],
    ['unclosed parenthesis', 'x = (1 + 2', 1, 11, "expected ')' to close '(' opened at 1:5, found end of input"],
    ['stray end', 'x = 1\nend', 2, 1, "unexpected 'end'"],
    ['unexpected )', 'f(1, 2))', 1, 8, "unexpected ')'"],
    ['missing operand before )', 'x = (1 + )', 1, 10, "unexpected ')'"],
    ['missing operand at end of input', 'x = 1 +', 1, 8, 'unexpected end of input'],
    ['unterminated string', 'println("abc)\nx = 1', 1, 9, 'unterminated string'],
    ['unterminated interpolation', 'x = "a $(b + 1', 1, 5, 'unterminated string'],
    ['unterminated string inside an interpolation', 'x = "a $(b * "c', 1, 14, 'unterminated string'],
    ['keyword argument after ;', 'f(a; k = 1)', 1, 4, 'keyword arguments are not supported'],
    ['unterminated block comment', 'x = 1\n#= open\n#= nested =#\n', 2, 1, 'unterminated block comment'],
    ['invalid number 1.2.3', 'x = 1.2.3', 1, 5, "invalid number '1.2.3'"],
    ['juxtaposition', 'y = 3n + 1', 1, 5, "invalid number '3n'"],
    ['exponent without digits', 'y = 1e', 1, 5, "invalid number '1e'"],
    ['trailing underscore', 'y = 1_', 1, 5, "invalid number '1_'"],
    ['integer overflow', 'y = 9223372036854775808', 1, 5, "integer literal '9223372036854775808' is too large for Int64"],
    ['float overflow', 'y = 1e400', 1, 5, "float literal '1e400' is out of range"],
    ['invalid escape', 'y = "a\\qb"', 1, 7, "invalid escape sequence '\\q' in string"],
    ['bare dollar', 'y = "cost $ 5"', 1, 11, "'$' in a string must be followed by a name or '(' (write '\\$' for a dollar sign)"],
    ['junk inside interpolation', 'y = "$(a b)"', 1, 10, "expected ')', found 'b'"],
    ['triple-quoted string', 'y = """doc"""', 1, 5, 'triple-quoted strings are not supported'],
    ['unexpected character', 'y = a & b', 1, 7, "unexpected character '&'"],
    ['macro', '@show x', 1, 1, "macros ('@...') are not supported"],
    ['character literal', "c = 'a'", 1, 5, 'character literals are not supported'],
    ['two statements on one line', 'x = 1 y = 2', 1, 7, "expected newline or ';' after statement, found 'y'"],
    ['chained assignment', 'x = y = 0', 1, 7, 'chained assignment is not supported'],
    ['invalid assignment target', 'f(x) + 1 = 2', 1, 1, 'invalid assignment target'],
    ['assignment inside parentheses', 'y = (x = 1)', 1, 8, 'assignment is only supported as a statement'],
    ['tuple assignment', 'function f(a, b)\n  a, b = b, a\nend', 2, 4, 'tuples are not supported'],
    ['tuple expression', 'x = (1, 2)', 1, 7, 'tuples are not supported'],
    ['empty tuple', 'x = ()', 1, 5, "empty tuple '()' is not supported"],
    ['break outside a loop', 'function f()\n  break\nend', 2, 3, "'break' outside of a loop"],
    ['continue outside a loop', 'continue', 1, 1, "'continue' outside of a loop"],
    ['return at top level', 'return 1', 1, 1, "'return' outside of a function"],
    ['nested function', 'function f()\n  function g() end\nend', 2, 3, 'function definitions are only allowed at top level'],
    ['nested one-line method', 'function f()\n  g(x) = x\nend', 2, 3, 'method definitions are only allowed at top level'],
    ['struct in a block', 'if true\n  struct S end\nend', 2, 3, 'type definitions are only allowed at top level'],
    ['const in a function', 'function f()\n  const K = 1\nend', 2, 3, "'const' is only allowed at top level"],
    ['qualified operator method', 'Base.:+(a::P, b::P) = a', 1, 5, "qualified name 'Base.:+' is not supported; use '+' directly"],
    ['qualified long-form name', 'function Base.show(io, x) end', 1, 14, "qualified name 'Base.show' is not supported; use 'show' directly"],
    ['default parameter value', 'f(a, b = 2) = a', 1, 8, 'default parameter values are not supported'],
    ['varargs', 'function f(xs...) end', 1, 14, 'varargs parameters are not supported'],
    ['keyword parameters', 'function f(a; k) end', 1, 13, 'keyword parameters are not supported'],
    ['duplicate parameter', 'f(x, x) = 1', 1, 6, "duplicate parameter name 'x'"],
    ['where clause', 'f(x::T) where T = x', 1, 9, "'where' clauses are not supported"],
    ['missing function name', 'function (x) end', 1, 10, 'anonymous functions are not supported'],
    ['keyword argument', 'f(a, b = 2)', 1, 6, 'keyword arguments are not supported'],
    ['splatting', 'f(xs...)', 1, 5, 'splatting is not supported'],
    ['space before call parenthesis', 'println ("hi")', 1, 9, "space before '(' is not allowed in a call"],
    ['isa in a comparison chain', 'x = a < b isa Int64', 1, 11, "'isa' cannot be chained with other comparisons"],
    ['comprehension over in', 'v = [x in w for x in 1:3]', 1, 13, 'comprehensions are not supported'],
    ['generator with ∈', 'f(x for x ∈ v)', 1, 5, 'generators are not supported'],
    ['ternary without colon', 'x = c ? a', 1, 10, "expected ':' in conditional expression, found end of input"],
    ['ternary with unspaced colon', 'x = c ? a:b', 1, 12, "expected ':' in conditional expression, found end of input"],
    ['four-part range', 'r = 1:2:3:4', 1, 10, "a range has at most three parts ('start:step:stop')"],
    ['end inside indexing', 'v[end]', 1, 3, "'end' inside indexing is not supported; use length(...)"],
    ['broadcast operator', 'x = a .+ b', 1, 7, "broadcast operators like '.+' are not supported"],
    ['broadcast call', 'x = f.(v)', 1, 6, "broadcast calls like 'f.(x)' are not supported"],
    ['matrix literal', 'm = [1 2]', 1, 8, "expected ',' or ']' in vector literal, found '2'"],
    ['comprehension', 'v = [i for i in 1:3]', 1, 8, 'comprehensions are not supported'],
    ['comprehension whose for starts a line', 'v = [i\n  for i in 1:3]', 2, 3, 'comprehensions are not supported'],
    ['type parameters without a type name', 'x = f(1){Int64}', 1, 9, "type parameters '{...}' must follow a type name"],
    ['missing type after ::', 'x::1 = 2', 1, 4, "expected a type, found '1'"],
    ['empty parametric type', 'v = Vector{}()', 1, 5, "'Vector{}' needs at least one type parameter"],
    ['type bound', 'f(v::Vector{<:Real}) = 1', 1, 13, "type bounds ('<:T') are not supported"],
    ['annotation on a non-name', 'a.b::Int64 = 1', 1, 4, 'type annotations are only supported on variable names'],
    ['duplicate field', 'struct P\n  x::Int64\n  x::Int64\nend', 3, 3, "duplicate field name 'x'"],
    ['inner constructor', 'struct P\n  x\n  P(x) = new(x)\nend', 3, 3, 'inner constructors are not supported'],
    ['field default', 'struct P\n  x::Int64 = 1\nend', 2, 12, 'field default values are not supported'],
    ['parametric struct', 'struct P{T}\nend', 1, 9, 'parametric types are not supported'],
    ['struct without a name', 'struct\nend', 1, 7, "expected a name after 'struct', found newline"],
    ['for without a variable', 'for 1 in v end', 1, 5, "expected a name after 'for', found '1'"],
    ['for destructuring', 'for (i, x) in v end', 1, 5, "destructuring in 'for' is not supported"],
    ['for without in', 'for i of v end', 1, 7, "expected 'in' or '=' after the loop variable, found 'of'"],
    ['unsupported keyword', 'let x = 1\nend', 1, 1, "'let' is not supported"],
    ['primitive type', 'primitive type Byte 8 end', 1, 1, 'primitive type definitions are not supported'],
    ['const without =', 'const K 1', 1, 9, "expected '=' after 'const K', found '1'"],
  ];
  it('refuses nesting deeper than MAX_NESTING with a syntax error, never a stack overflow', () => {
    const deep: Array<[string, string]> = [
      ['parentheses', 'x = ' + '('.repeat(1000) + '1' + ')'.repeat(1000)],
      ['prefix minus', 'x = ' + '-'.repeat(10_000) + 'y'],
      ['^ chain', 'x = ' + Array(10_000).fill('a').join(' ^ ')],
      ['vectors', 'x = ' + '['.repeat(10_000) + ']'.repeat(10_000)],
      ['blocks', 'if true\n'.repeat(1000) + 'end\n'.repeat(1000)],
      ['interpolations', 'x = ' + '"$('.repeat(10_000) + '1' + ')"'.repeat(10_000)],
    ];
    for (const [what, src] of deep) assert.match(syntaxError(src).bare, /nested too deeply/, what);
    assert.doesNotThrow(() => parseProgram('x = ' + '('.repeat(MAX_NESTING - 2) + '1' + ')'.repeat(MAX_NESTING - 2)));
  });

  for (const [name, src, line, col, bare] of cases) {
    it(name, () => {
      const e = syntaxError(src, 'prog.jl');
      assert.equal(e.message, `prog.jl:${line}:${col}: syntax error: ${bare}`);
      assert.equal(e.line, line);
      assert.equal(e.col, col);
      assert.equal(e.bare, bare);
    });
  }
});
