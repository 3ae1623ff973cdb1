# Float64 to an integral power as Julia computes it (power by squaring with error compensation):
# x^3 is x*x*x and x^-2 is (1/x)*(1/x) bit for bit, others correctly rounded.
x = 3.272654033629887
println(x^3, " ", x * x * x)
n = 3
println(x^n, " ", x^3.0)
y = 3.755182125585357
println(y^-2, " ", (1 / y) * (1 / y))
println(7^-2, " ", (1 / 7) * (1 / 7), " ", 10.0^-2)
println(2.0^10, " ", 2.0^-3, " ", (-2.0)^3, " ", (-2.0)^-3, " ", 1.5^0)
println(0.0^-1, " ", (-0.0)^-1, " ", 2.0^1024, " ", 2.0^-1075, " ", (-1.0)^(1 / 0.0))
println(1.1^10, " ", 1.0000001^1000000, " ", 0.9^77)
