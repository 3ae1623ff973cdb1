// The prelude's methods on AbstractVector: first, last, isempty, collect, sum and in, written in the
// language so that each is specialised at the concrete vector type it is called with (which stands
// in for Julia's `where T`); `__sum_empty` and `__copy_vector` are compiler builtins (emit.ts).

/**
 * `sum` is Julia's mapreduce over an array (Base.mapreduce_impl): a left fold below 1024 elements,
 * else the halves summed separately (pairwise), which keeps a Float64 sum's rounding error small
 * and decides its last bits; an empty vector sums to its element type's zero. `in` compares each
 * element `y == x`, as Julia's fallback does; ranges have their own methods (range-code.ts).
 */
export const VECTOR_PRELUDE = `
first(v::AbstractVector) = v[1]
last(v::AbstractVector) = v[length(v)]
isempty(v::AbstractVector) = length(v) == 0
collect(v::AbstractVector) = __copy_vector(v)
function sum(v::AbstractVector)
  n = length(v)
  n == 0 ? __sum_empty(v) : __sum_pairwise(v, 1, n)
end
function __sum_pairwise(v, lo::Int64, hi::Int64)
  if lo == hi
    return v[lo]
  elseif hi - lo < 1024
    s = v[lo] + v[lo + 1]
    for i in lo + 2:hi
      s += v[i]
    end
    return s
  end
  mid = lo + (hi - lo) ÷ 2
  __sum_pairwise(v, lo, mid) + __sum_pairwise(v, mid + 1, hi)
end
function sum(v::Vector{Bool})
  n = 0
  for x in v
    if x
      n += 1
    end
  end
  n
end
function in(x, v::AbstractVector)
  for y in v
    if y == x
      return true
    end
  end
  false
end
∉(x, v) = !in(x, v)
`;
