# An indexed or field target is evaluated once in a compound assignment, and an assignment's
# value is the value assigned.
mutable struct Ctr
  n::Int64
end
function bump(c::Ctr)
  c.n += 1
  c.n
end
function t()
  c = Ctr(0)
  v = [10, 20, 30]
  v[bump(c)] += 5
  println(v, " ", c.n)
end
t()
function t2()
  c = Ctr(0)
  items = [Ctr(1), Ctr(2)]
  items[bump(c)].n *= 7
  println(items[1].n, " ", items[2].n, " ", c.n)
end
t2()
function t3(xs)
  c = Ctr(0)
  xs[bump(c)] += 1
  xs[bump(c)] -= 0.5
  println(xs, " ", c.n)
end
t3(Any[1, 2.0])
function t4(v)
  k = Ctr(0)
  v[bump(k)].n += 10
  v
end
println(t4(Any[Ctr(1)]))
function last_value(v)
  v[1] = 42
end
function last_field(c)
  c.n = 7
end
println(last_value([1, 2]), " ", last_field(Ctr(0)), " ", last_value(Any["a"]))
