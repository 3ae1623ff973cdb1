# A value of type Union{} (an expression that always raises) in a typed place: an element or
# field store, push!, an arm, a return, a declared local; each raises its error, nothing else.
v = [1, 2]
v[1] = "a" + 1
#---
println(v)
#---
function k(w::Vector{Float64})
  w[error("bad index")] = 1.5
end
k([1.0])
#---
mutable struct M
  x::Int64
end
function k2(p)
  p.x += error("boom")
end
k2(M(1))
#---
function k3()
  d = error("x3")
  Float64[d]
end
k3()
#---
function k4(c)
  d = error("x4")
  c ? 0.0 : d
end
println(k4(true))
k4(false)
#---
function k5()
  d = d
  c = true ? 1 : d
end
k5()
#---
function k6()
  local x
  return x
end
k6()
#---
function a1(v::Vector{Int64})
  push!(v, error("push"))
end
a1([1])
#---
struct S
  x::Float64
end
a2() = S(error("ctor"))
a2()
#---
function a4(c)::Float64
  if c
    return error("ret")
  end
  2
end
println(a4(false))
a4(true)
#---
function a5()
  y::Int64 = error("decl")
  y
end
a5()
#---
function a6(v)
  v[1] = error("dyn")
end
a6(Any[1])
#---
function a7()
  x = error("cmp")
  1 < x < 3
end
a7()
#---
function a8(c)
  while c
    x = error("loop")
    x += 1
  end
  0
end
println(a8(false))
a8(true)
#---
function a10()
  d = error("x10")
  d.f = 1
  d[2] = 3
  d.g
end
a10()
#---
println("alive")
