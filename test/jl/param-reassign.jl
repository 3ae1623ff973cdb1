# A parameter assigned a value of another type is a variable of the join of its types (boxed
# where they differ), as any local: the argument's own type does not bind it.
function half(b)
  b /= 2
  b
end
println(half(3), " ", half(3.0))
#---
function label(x)
  if x > 5
    x = "big"
  end
  x
end
println(label(1), " ", label(10))
#---
function k(x::Int64)
  x = 2.5
  x
end
println(k(1))
#---
function yn(c::Bool)
  c = c ? "yes" : 0
  c
end
println(yn(true), " ", yn(false))
#---
function len(s::String)
  s = length(s)
  s + 1
end
println(len("abc"))
#---
function pos(n)
  n = n > 0 ? n : nothing
  n
end
println(pos(1), " ", pos(-1))
#---
function halves(n)
  for i in 1:n
    i = i * 0.5
    println(i)
  end
end
halves(2)
#---
function count(v, n)
  while n > 0
    v = push!(Any[v], n)
    n -= 1
  end
  length(v)
end
println(count(0, 3))
#---
println("session still usable")
