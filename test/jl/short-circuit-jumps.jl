# return, break and continue as the right operand of && and ||.
function f(x)
  x > 0 && return "pos"
  x < 0 || return "zero"
  "neg"
end
println(f(1), f(0), f(-1))
function g(n)
  s = 0
  for i in 1:n
    i % 2 == 0 && continue
    i > 7 && break
    s += i
  end
  s
end
println(g(100))
function firstneg(v)
  for x in v
    x < 0 && return x
  end
  0
end
println(firstneg([3, -2, -5]), " ", firstneg([1]))
function h(x)
  x > 1 || return
  x * 2
end
println(h(3), " ", h(0))
function k(v)
  i = 0
  while true
    i += 1
    i > length(v) && break
    v[i] == 0 || continue
    return i
  end
  -1
end
println(k([5, 0, 7]), " ", k([1]))
