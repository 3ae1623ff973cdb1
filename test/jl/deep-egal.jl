# === compares immutable structs by their contents however deep they nest (a long linked list),
# and == falls back to it; mutable objects and vectors inside compare by identity.
struct L
  v::Int64
  next::Any
end
function mk(n)
  x = nothing
  for i in 1:n
    x = L(i, x)
  end
  x
end
println(mk(64) === mk(64), " ", mk(65) === mk(65), " ", mk(100) == mk(100))
println(mk(20000) === mk(20000), " ", mk(20000) == mk(20000))
println(mk(65) === mk(66), " ", mk(100) == L(100, mk(98)))
println(L(1, 0.0 / 0.0) === L(1, 0.0 / 0.0), " ", L(1, 0.0) === L(1, -0.0))
v = [1]
println(L(1, [1]) === L(1, [1]), " ", L(1, v) === L(1, v), " ", L(1, [1]) == L(1, [1]))
