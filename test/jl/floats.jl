# A float loop, mixed Int64/Float64 arithmetic, and how floats print.
function harmonic(n::Int64)
  s = 0.0
  for k in 1:n
    s = s + 1 / k
  end
  s
end
println(harmonic(1))
println(harmonic(4))
println(2 * 1.5, " ", 1 + 0.25, " ", 3.0 - 1)
println(1.0e20, " ", 0.00001, " ", 100.0)
