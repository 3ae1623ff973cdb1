# Unions are equal whatever the order they are written in, and print in Julia's order.
println(Union{Int64, String} == Union{String, Int64}, " ", Union{Int64, String} === Union{String, Int64})
u = Vector{Union{Int64, String}}()
println(typeof(u) == Vector{Union{String, Int64}})
println(Union{String, Int64})
println(Union{Int64, Nothing})
println(Union{String, Float64, Nothing, Int64})
struct Sq
  s::Float64
end
mutable struct Box
  v::Int64
end
println(Union{Box, Int64}, " ", Union{Sq, Int64})
f(x::Vector{Union{Int64, String}}) = "matched"
println(f(Vector{Union{String, Int64}}()))
println(typeof(u))
