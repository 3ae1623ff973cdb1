# The prelude's numeric functions as Julia defines them: trunc, floor, ceil and round of a float
# are floats, abs clears the sign of -0.0, integer powers square, a negative literal power of an
# integer is a float, and sqrt of a negative number or a non-literal negative power of an integer
# is a DomainError.
println(trunc(2.7), " ", trunc(-2.5), " ", floor(-2.5), " ", ceil(2.1), " ", round(2.5), " ", round(3.5), " ", round(-0.4))
println(abs(-0.0), " ", abs(-3), " ", abs(-2.5), " ", sqrt(16), " ", sqrt(2.0), " ", sqrt(-0.0), " ", float(3))
println(2^10, " ", 3^0, " ", 2^62, " ", 2^64, " ", 10^19, " ", (-2)^3, " ", -2^2, " ", 2^3^2)
println(2^-1, " ", 2^-3, " ", 2.0^-1, " ", 2.0^3, " ", 4^0.5, " ", 2.0^0.5, " ", 1.0^(0.0 / 0.0))
n = -1
println(1^n, " ", (-1)^n, " ", (-1)^(n - 1))
y = 2.0
y ^= 2
println(y)
#---
println(sqrt(-1.0))
#---
println(2^n)
#---
println((-8.0)^(1 / 3))
