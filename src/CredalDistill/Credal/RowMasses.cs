using CredalDistill.Numerics;

namespace CredalDistill.Credal;

/// <summary>
/// A row's class masses as the exact kernels read them (views into a scratch buffer): <c>p_k</c>, <c>r_k</c> (the mass of the
/// other classes) and their logarithms, from <see cref="ClassMasses"/>.
/// </summary>
internal readonly ref struct RowMasses
{
    private RowMasses(Span<double> work, int classes)
    {
        LogP = work[..classes];
        LogRest = work.Slice(classes, classes);
        P = work.Slice(2 * classes, classes);
        Rest = work.Slice(3 * classes, classes);
    }

    /// <summary><c>log p_k</c>.</summary>
    public Span<double> LogP { get; }

    /// <summary><c>log r_k</c>.</summary>
    public Span<double> LogRest { get; }

    /// <summary><c>p_k</c> (0 where it underflows).</summary>
    public Span<double> P { get; }

    /// <summary><c>r_k</c> (0 where it underflows).</summary>
    public Span<double> Rest { get; }

    /// <summary>The number of classes.</summary>
    public int Classes => P.Length;

    /// <summary>
    /// Fills the first <c>4 K</c> doubles of <paramref name="work"/> with the masses of <paramref name="edge"/>; without
    /// <paramref name="logs"/> a probability row gets no logarithms (total variation's bounds are linear in the masses).
    /// </summary>
    public static RowMasses Of(EdgeRow edge, Span<double> work, bool logs = true)
    {
        var masses = new RowMasses(work, edge.Classes);
        if (edge.IsLogits)
        {
            ClassMasses.FromLogits(edge.Values, masses.LogP, masses.LogRest, masses.P, masses.Rest);
        }
        else
        {
            ClassMasses.FromProbabilities(edge.Values, masses.LogP, masses.LogRest, masses.P, masses.Rest, withLogs: logs);
        }

        return masses;
    }
}
