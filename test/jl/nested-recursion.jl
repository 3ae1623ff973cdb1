# A method recursing on [x] meets a new vector type at each level: deep levels dispatch at run
# time instead of being inferred without end.
h(x, n) = n == 0 ? 0 : h([x], n - 1)
println(h(1, 3), " ", h(1, 30))
#---
wrap(x, n) = n == 0 ? x : wrap([x], n - 1)
println(wrap(1, 2))
println(wrap(1.5, 7))
w = wrap(1, 6)
println(typeof(w))
println(w == wrap(1, 6), " ", length(w))
