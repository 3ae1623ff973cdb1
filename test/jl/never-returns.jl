# Calls of methods that always throw (their type is Union{}): as a ternary arm, an argument,
# an assignment, a statement; the session goes on after each error.
fail(x) = error("bad value: $x")
safe_div(a, b) = b == 0 ? fail(b) : a ÷ b
println(safe_div(6, 3))
h(x) = x > 0 ? 1 : fail(x)
println(h(1))
function g(x)
  y = fail(x)
  y + 1
end
k(v) = fail(v[1])
#---
println(fail(1))
#---
fail(2)
#---
x = fail(3)
#---
println(g(4))
#---
println(k(Any[5]))
#---
println(safe_div(1, 0))
#---
println("alive ", safe_div(7, 2), " ", h(2))
