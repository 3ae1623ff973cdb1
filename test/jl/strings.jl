# Strings: interpolation, string(), const, printing of mixed values.
const GREETING = "Hello"
name = "Julia"
println("$GREETING, $name! 1 + 2 = $(1 + 2)")
s = string("pi ~ ", 3.14, ", ok=", true, ", nothing=", nothing)
println(s)
println(string(1, 2, 3) == "123")
