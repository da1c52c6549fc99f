using System.Globalization;

namespace CredalDistill.Divergences;

/// <summary>
/// Names and instances of the supported divergences: <c>kl</c>, <c>reverse-kl</c>, <c>alpha:&lt;a&gt;</c>, <c>tv</c>,
/// <c>hellinger</c>, <c>chi2</c>.
/// </summary>
public static class Divergence
{
    /// <summary>The names accepted by <see cref="Parse(string)"/>, for help texts.</summary>
    public const string Names = "kl, reverse-kl, alpha:<a>, tv, hellinger, chi2";

    /// <summary>KL divergence, the default.</summary>
    public static FDivergence KL => KullbackLeibler.Instance;

    /// <summary>Parses a divergence name (case-insensitive). Throws <see cref="FormatException"/> naming the valid choices.</summary>
    public static FDivergence Parse(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (TryParse(name, out var divergence, out string? error))
        {
            return divergence;
        }

        throw new FormatException(error);
    }

    /// <summary>Parses a divergence name; on failure <paramref name="error"/> says why.</summary>
    public static bool TryParse(string? name, out FDivergence divergence, out string? error)
    {
        divergence = KullbackLeibler.Instance;
        error = null;
        string n = (name ?? string.Empty).Trim().ToLowerInvariant();
        switch (n)
        {
            case "kl":
                return true;
            case "reverse-kl":
                divergence = ReverseKullbackLeibler.Instance;
                return true;
            case "tv":
                divergence = TotalVariation.Instance;
                return true;
            case "hellinger":
                divergence = SquaredHellinger.Instance;
                return true;
            case "chi2":
                divergence = PearsonChiSquare.Instance;
                return true;
        }

        if (n.StartsWith("alpha:", StringComparison.Ordinal))
        {
            string a = n["alpha:".Length..];
            if (double.TryParse(a, NumberStyles.Float, CultureInfo.InvariantCulture, out double alpha) && double.IsFinite(alpha) && alpha != 0.0 && alpha != 1.0)
            {
                divergence = new AlphaDivergence(alpha);
                return true;
            }

            error = $"Invalid alpha-divergence '{name}': the parameter after 'alpha:' must be a number other than 0 and 1 (e.g. alpha:0.9).";
            return false;
        }

        error = $"Unknown divergence '{name}'. Valid names: {Names}.";
        return false;
    }
}
