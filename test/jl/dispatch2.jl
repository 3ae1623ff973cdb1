# Two-argument dispatch, ambiguity, and a method that resolves it.
abstract type Thing end
struct A <: Thing end
struct B <: Thing end
collide(x::Thing, y::Thing) = "generic"
collide(x::A, y::Thing) = "A first"
collide(x::Thing, y::B) = "B second"
println(collide(B(), A()))
println(collide(A(), A()))
println(collide(B(), B()))
collide(x::A, y::B) = "A and B"
println(collide(A(), B()))
println(collide(1, 2))
