using System.Globalization;

namespace CredalDistill.Experiments;

/// <summary>Human-readable names of method identifiers.</summary>
public static class MethodNames
{
    /// <summary>The display name of a method identifier.</summary>
    public static string Display(string method)
    {
        ArgumentNullException.ThrowIfNull(method);
        switch (method)
        {
            case "edge": return "Edge as is";
            case "cloud": return "Cloud as is";
            case "cloud-ts-ece": return "Cloud + TS (ECE grid, labels)";
            case "cloud-ts-nll": return "Cloud + TS (NLL, labels)";
            case "edge-ts-ece": return "Edge + TS (ECE grid, labels)";
            case "edge-ts-nll": return "Edge + TS (NLL, labels)";
            case "distilled-ts": return "Edge + distilled TS (no labels)";
            case "laplace-diag": return "Edge + last-layer Laplace (diag)";
            case "laplace-kfac": return "Edge + last-layer Laplace (KFAC)";
            case "laplace-full": return "Edge + last-layer Laplace (full GGN)";
            case "cdci-auto/kl/intersection": return "CD-CI KL, eps auto (label-free), IP";
            case "cdci-auto/joint/intersection": return "CD-CI divergence + eps auto (label-free), IP";
        }

        var parts = method.Split('/');
        if (parts[0] == "edge" && parts.Length == 2 && parts[1].StartsWith("first-", StringComparison.Ordinal))
        {
            return $"Edge as is (first {parts[1]["first-".Length..]} test inputs)";
        }

        if (parts[0] == "cdci" && parts.Length == 4)
        {
            return $"CD-CI {parts[1]}, eps {parts[2]}, {Extraction(parts[3])}";
        }

        if (parts[0].StartsWith('q') && parts.Length >= 2)
        {
            string bits = parts[0][1..];
            return parts[1] == "edge" ? $"{bits}-bit edge as is" : $"{bits}-bit edge + CD-CI {parts[2]}, eps {parts[3]}, IP";
        }

        return method;
    }

    /// <summary>Short name of an extraction rule.</summary>
    public static string Extraction(string rule) => rule switch
    {
        "intersection" => "IP",
        "maxent" => "max-entropy",
        "centroid" => "centroid",
        "maximality" => "maximality",
        _ => rule,
    };

    /// <summary>Parses the epsilon of a CD-CI identifier, or NaN.</summary>
    public static double Epsilon(string method)
    {
        ArgumentNullException.ThrowIfNull(method);
        var parts = method.Split('/');
        return parts.Length == 4 && parts[0] == "cdci" ? double.Parse(parts[2], CultureInfo.InvariantCulture) : double.NaN;
    }
}
