# A new method invalidates compiled callers when it fills a method that was missing, when it
# makes a call ambiguous, and when it replaces one after an evaluation that failed.
f(x::Float64) = 1
g(x) = println(f(x))
function h(x)
  if x < 0
    g(x)
  end
  0
end
println(h(1))
f(x::Int64) = 2
println(h(-1))
g(5)
p(x::Int64, y) = 1
q(a, b) = p(a, b)
println(q(1, 2))
p(x, y::Int64) = 2
#---
println(q(1, 2))
#---
p(x::Int64, y::Int64) = 3
println(q(1, 2))
u(x) = 1
w(x) = u(x) + undefined_fn(x)
w(1)
#---
w(x) = 5
k(x) = w(x)
println(k(1))
u(x) = 2
w(x) = 7
println(k(1))
