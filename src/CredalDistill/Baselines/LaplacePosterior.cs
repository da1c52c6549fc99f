namespace CredalDistill.Baselines;

/// <summary>
/// The posterior structure of a <see cref="LastLayerLaplace"/>, split so that the prior precision <c>delta</c> can be
/// varied cheaply: <see cref="Project"/> does the <c>delta</c>-independent work for one input <c>a = [phi, 1]</c>, and
/// <see cref="Variances"/> returns the logit variances <c>S_kk = (J Sigma(delta) J^T)_kk</c>, <c>J = I_K (x) a^T</c>.
/// </summary>
internal abstract class LaplacePosterior
{
    protected LaplacePosterior(int classes, int width)
    {
        Classes = classes;
        Width = width;
    }

    /// <summary>Number of classes <c>K</c>.</summary>
    public int Classes { get; }

    /// <summary>Width <c>E = D + 1</c> of the augmented input <c>a = [phi, 1]</c>.</summary>
    public int Width { get; }

    /// <summary>Length of the buffer <see cref="Project"/> fills (and <see cref="Variances"/> may use as scratch).</summary>
    public abstract int ProjectionLength { get; }

    /// <summary>The <c>delta</c>-independent projection of <paramref name="input"/> (length <c>E</c>).</summary>
    public abstract void Project(ReadOnlySpan<double> input, Span<double> projection);

    /// <summary>Logit variances <c>S_kk</c> at prior precision <paramref name="delta"/> from a projection.</summary>
    public abstract void Variances(Span<double> projection, double delta, Span<double> variances);
}
