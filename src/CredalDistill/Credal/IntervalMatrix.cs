namespace CredalDistill.Credal;

/// <summary>Row-major <c>n x K</c> lower and upper class probabilities, one credal set per row.</summary>
public sealed class IntervalMatrix
{
    internal IntervalMatrix(double[] lower, double[] upper, int rows, int classes)
    {
        Lower = lower;
        Upper = upper;
        Rows = rows;
        Classes = classes;
    }

    /// <summary>Number of rows.</summary>
    public int Rows { get; }

    /// <summary>Number of classes.</summary>
    public int Classes { get; }

    /// <summary>Lower probabilities, row-major.</summary>
    public double[] Lower { get; }

    /// <summary>Upper probabilities, row-major.</summary>
    public double[] Upper { get; }

    /// <summary>Lower probabilities of row <paramref name="i"/>.</summary>
    public ReadOnlySpan<double> LowerRow(int i) => Lower.AsSpan(i * Classes, Classes);

    /// <summary>Upper probabilities of row <paramref name="i"/>.</summary>
    public ReadOnlySpan<double> UpperRow(int i) => Upper.AsSpan(i * Classes, Classes);
}
