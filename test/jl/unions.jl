# Union and Any in signatures, isa on unions, typeof.
kind(x::Union{Int64, Float64}) = "number"
kind(x::String) = "text"
kind(x) = "other"
println(kind(1), " ", kind(2.5), " ", kind("s"), " ", kind(nothing), " ", kind(true))
function classify(xs::Vector{Any})
  n = 0
  for x in xs
    if x isa Union{Int64, Float64}
      n += 1
    end
  end
  n
end
println(classify(Any[1, "a", 2.0, nothing, 3]))
println(typeof(1), " ", typeof(1.5), " ", typeof("a"), " ", typeof(nothing))
