# A union type's type object is of type Union (Union{} of Core.TypeofBottom), not DataType;
# the bare name Union is that type.
println(typeof(Union{Int64,Nothing}))
println(Union{Int64,String} isa DataType)
println(typeof(Union{}))
U = Union{Int64,Nothing}
println(typeof(U), " ", U isa Union, " ", U isa DataType, " ", Int64 isa Union, " ", typeof(Int64))
const V = Union{Float64,String}
f(x) = typeof(x)
println(f(V), " ", f(Int64), " ", f(Union{}), " ", Union{} isa DataType)
println(V === Union{String,Float64}, " ", V == U, " ", typeof(typeof(V)))
g(x::DataType) = "dt"
g(x::Union) = "union"
println(g(V), " ", g(Int64))
println(Any[V, Int64, Union{}])
println(Union{})
