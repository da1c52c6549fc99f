using CredalDistill.Divergences;

namespace CredalDistill.Onnx.Export;

/// <summary>
/// The binary divergence <c>d(t; p) = p f(t/p) + r f((1-t)/r)</c>, <c>r = 1 - p</c> (METHOD.md section 3.1) as ONNX
/// operators, from the log domain only (section 3.1a): <c>a = log p</c>, <c>b = log r</c>, <c>log t</c> and
/// <c>log(1 - t)</c>; <c>1 - p</c> and <c>1 - t</c> are never formed.
/// <list type="bullet">
/// <item>KL: <c>t (log t - a) + (1 - t)(log(1 - t) - b)</c>.</item>
/// <item>reverse KL: <c>p (a - log t) + r (b - log(1 - t))</c>.</item>
/// <item>alpha: <c>(exp((1-α) a + α log t) + exp((1-α) b + α log(1-t)) - 1) / (α(α-1))</c>.</item>
/// <item>squared Hellinger: <c>(sqrt t - sqrt p)^2 + (sqrt(1-t) - sqrt r)^2</c>.</item>
/// </list>
/// Total variation and chi-square have closed-form bounds and are not built here.
/// </summary>
internal sealed class BinaryDivergenceGraph
{
    private readonly GraphBuilder g;
    private readonly FDivergence divergence;
    private readonly string a;
    private readonly string b;
    private readonly string? first;
    private readonly string? second;

    private BinaryDivergenceGraph(GraphBuilder g, FDivergence divergence, string a, string b)
    {
        this.g = g;
        this.divergence = divergence;
        this.a = a;
        this.b = b;
        switch (divergence)
        {
            case ReverseKullbackLeibler:
                first = g.Exp(a);
                second = g.Exp(b);
                break;
            case AlphaDivergence alpha:
                float complement = (float)(1.0 - alpha.Alpha);
                first = g.Mul(a, g.Scalar(complement));
                second = g.Mul(b, g.Scalar(complement));
                break;
            case SquaredHellinger:
                first = g.Exp(g.Mul(a, g.Scalar(0.5f)));
                second = g.Exp(g.Mul(b, g.Scalar(0.5f)));
                break;
        }
    }

    /// <summary>True when the bounds of <paramref name="divergence"/> need a root search built by this type.</summary>
    public static bool Supports(FDivergence divergence)
        => divergence is KullbackLeibler or ReverseKullbackLeibler or AlphaDivergence or SquaredHellinger;

    /// <summary>Prepares the per-row constants from <c>a = log p</c> and <c>b = log(1 - p)</c>.</summary>
    public static BinaryDivergenceGraph Create(GraphBuilder g, FDivergence divergence, string a, string b)
    {
        if (!Supports(divergence))
        {
            throw new ArgumentException($"no root-search graph for divergence '{divergence.Name}'", nameof(divergence));
        }

        return new BinaryDivergenceGraph(g, divergence, a, b);
    }

    /// <summary><c>d(t; p)</c> from <c>log t</c> and <c>log(1 - t)</c>.</summary>
    public string Value(string logT, string logOneMinusT)
    {
        switch (divergence)
        {
            case KullbackLeibler:
                return g.Add(
                    g.Mul(g.Exp(logT), g.Sub(logT, a)),
                    g.Mul(g.Exp(logOneMinusT), g.Sub(logOneMinusT, b)));
            case ReverseKullbackLeibler:
                return g.Add(
                    g.Mul(first!, g.Sub(a, logT)),
                    g.Mul(second!, g.Sub(b, logOneMinusT)));
            case AlphaDivergence alpha:
                string s = g.Scalar((float)alpha.Alpha);
                string sum = g.Add(
                    g.Exp(g.Add(first!, g.Mul(logT, s))),
                    g.Exp(g.Add(second!, g.Mul(logOneMinusT, s))));
                return g.Div(g.Sub(sum, g.Scalar(1f)), g.Scalar((float)(alpha.Alpha * (alpha.Alpha - 1.0))));
            default:
                string half = g.Scalar(0.5f);
                string u = g.Sub(g.Exp(g.Mul(logT, half)), first!);
                string w = g.Sub(g.Exp(g.Mul(logOneMinusT, half)), second!);
                return g.Add(g.Mul(u, u), g.Mul(w, w));
        }
    }
}
