using CredalDistill.Validation;

namespace CredalDistill.Baselines;

/// <summary>Shared validation and conversion of the logit inputs of the temperature calibrators (internal).</summary>
internal static class LogitInput
{
    /// <summary>Floor applied to probabilities before taking logs: <c>z = log max(p, 1e-12)</c>.</summary>
    public const double ProbabilityFloor = 1e-12;

    /// <summary>Validates row-major logits (classes &gt;= 2, whole rows, finite, at least one row); returns the row count.</summary>
    public static int Validate(ReadOnlySpan<double> logits, int classes, string argument)
    {
        Check.Classes(classes, nameof(classes));
        int rows = Check.MatrixRows(logits.Length, classes, argument, "classes");
        Check.NotEmpty(rows, argument);
        Check.FiniteRows(logits, classes, argument);
        return rows;
    }

    /// <summary>Validates labels against the logits: one per row, in [0, K).</summary>
    public static void Labels(ReadOnlySpan<int> labels, int rows, int classes, string argument = "labels")
    {
        Check.SameRows(rows, labels.Length, argument);
        Check.Labels(labels, classes, argument);
    }

    /// <summary><c>z_ik = log max(p_ik, 1e-12)</c> for every entry of a probability matrix.</summary>
    public static double[] FromProbabilities(ProbabilityMatrix probabilities)
    {
        var data = probabilities.Data;
        var logits = new double[data.Length];
        for (int j = 0; j < data.Length; j++)
        {
            logits[j] = Math.Log(Math.Max(data[j], ProbabilityFloor));
        }

        return logits;
    }
}
