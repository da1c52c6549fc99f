namespace CredalDistill.Tests.Support;

/// <summary>
/// Double-double arithmetic for the test-only reference solver (<see cref="ReferenceBounds"/>): a value is the unevaluated
/// sum <c>Hi + Lo</c> with <c>|Lo| &lt;= ulp(Hi) / 2</c>, about 106 bits (~32 digits). Error-free transformations (TwoSum,
/// FMA-based TwoProd) as in Dekker (1971) and Hida, Li and Bailey (QD library). <see cref="Exp"/>, <see cref="Expm1"/>,
/// <see cref="Log"/> and <see cref="Log1p"/> are accurate to ~30 digits (checked against 60-digit values in
/// DoubleDoubleTests). Infinities are only supported where stated; the reference solver handles its endpoints explicitly.
/// Independent of the library's numerics on purpose.
/// </summary>
internal readonly struct DoubleDouble : IComparable<DoubleDouble>
{
    public static readonly DoubleDouble Zero = new(0.0);
    public static readonly DoubleDouble One = new(1.0);
    public static readonly DoubleDouble NegativeInfinity = new(double.NegativeInfinity);
    public static readonly DoubleDouble PositiveInfinity = new(double.PositiveInfinity);

    /// <summary>ln 2 to 106 bits.</summary>
    public static readonly DoubleDouble Ln2 = new(6.931471805599452862e-01, 2.319046813846299558e-17);

    public DoubleDouble(double hi, double lo = 0.0)
    {
        Hi = hi;
        Lo = lo;
    }

    public double Hi { get; }

    public double Lo { get; }

    public bool IsNegativeInfinity => double.IsNegativeInfinity(Hi);

    public bool IsPositiveInfinity => double.IsPositiveInfinity(Hi);

    public bool IsFinite => double.IsFinite(Hi);

    public static implicit operator DoubleDouble(double x) => new(x);

    public static explicit operator double(DoubleDouble x) => x.Hi + x.Lo;

    public static DoubleDouble operator -(DoubleDouble x) => new(-x.Hi, -x.Lo);

    public static DoubleDouble operator +(DoubleDouble x, DoubleDouble y)
    {
        if (!x.IsFinite || !y.IsFinite)
        {
            return new(x.Hi + y.Hi);
        }

        double s = TwoSum(x.Hi, y.Hi, out double e);
        double t = TwoSum(x.Lo, y.Lo, out double f);
        e += t;
        s = QuickTwoSum(s, e, out e);
        e += f;
        s = QuickTwoSum(s, e, out e);
        return new(s, e);
    }

    public static DoubleDouble operator -(DoubleDouble x, DoubleDouble y) => x + (-y);

    public static DoubleDouble operator *(DoubleDouble x, DoubleDouble y)
    {
        if (!x.IsFinite || !y.IsFinite)
        {
            return new(x.Hi * y.Hi);
        }

        double p = TwoProd(x.Hi, y.Hi, out double e);
        e += (x.Hi * y.Lo) + (x.Lo * y.Hi);
        p = QuickTwoSum(p, e, out e);
        return new(p, e);
    }

    public static DoubleDouble operator /(DoubleDouble x, DoubleDouble y)
    {
        if (!x.IsFinite || !y.IsFinite || y.Hi == 0.0)
        {
            return new(x.Hi / y.Hi);
        }

        // Long division: three quotient digits.
        double q1 = x.Hi / y.Hi;
        var r = x - (y * q1);
        double q2 = r.Hi / y.Hi;
        r -= y * q2;
        double q3 = r.Hi / y.Hi;
        double q = QuickTwoSum(q1, q2, out double e);
        return new DoubleDouble(q, e) + q3;
    }

    public static bool operator <(DoubleDouble x, DoubleDouble y) => x.Hi < y.Hi || (x.Hi == y.Hi && x.Lo < y.Lo);

    public static bool operator >(DoubleDouble x, DoubleDouble y) => y < x;

    public static bool operator <=(DoubleDouble x, DoubleDouble y) => !(y < x);

    public static bool operator >=(DoubleDouble x, DoubleDouble y) => !(x < y);

    public static bool operator ==(DoubleDouble x, DoubleDouble y) => x.Hi == y.Hi && x.Lo == y.Lo;

    public static bool operator !=(DoubleDouble x, DoubleDouble y) => !(x == y);

    public int CompareTo(DoubleDouble other) => this < other ? -1 : (other < this ? 1 : 0);

    public override bool Equals(object? obj) => obj is DoubleDouble d && d == this;

    public override int GetHashCode() => HashCode.Combine(Hi, Lo);

    public override string ToString() => $"{Hi:R} + {Lo:R}";

    public static DoubleDouble Abs(DoubleDouble x) => x.Hi < 0.0 ? -x : x;

    public static DoubleDouble Max(DoubleDouble x, DoubleDouble y) => x < y ? y : x;

    /// <summary>A decimal string (integer digits and a fraction, e.g. "0.638" or "1.2240464e-10") to full double-double precision.</summary>
    public static DoubleDouble Parse(string s)
    {
        int exponent = 0;
        int e = s.IndexOfAny(['e', 'E']);
        if (e >= 0)
        {
            exponent = int.Parse(s[(e + 1)..], System.Globalization.CultureInfo.InvariantCulture);
            s = s[..e];
        }

        bool negative = s.StartsWith('-');
        s = s.TrimStart('-', '+');
        DoubleDouble value = Zero;
        foreach (char c in s)
        {
            if (c == '.')
            {
                continue;
            }

            value = (value * 10.0) + (double)(c - '0');
        }

        int dot = s.IndexOf('.');
        if (dot >= 0)
        {
            exponent -= s.Length - dot - 1;
        }

        // Scale by 10^|exponent| in chunks of at most 10^250 (each a power by squaring), so no intermediate overflows.
        for (int remaining = Math.Abs(exponent); remaining > 0; remaining -= Math.Min(remaining, 250))
        {
            var scale = Pow10(Math.Min(remaining, 250));
            value = exponent >= 0 ? value * scale : value / scale;
        }

        return negative ? -value : value;
    }

    private static DoubleDouble Pow10(int n)
    {
        var result = One;
        var power = new DoubleDouble(10.0);
        for (; n > 0; n >>= 1)
        {
            if ((n & 1) != 0)
            {
                result *= power;
            }

            power *= power;
        }

        return result;
    }

    /// <summary><c>e^x</c>; 0 below the double range, +inf above it, 0 for -inf.</summary>
    public static DoubleDouble Exp(DoubleDouble x)
    {
        if (x.IsNegativeInfinity || x.Hi < -745.2)
        {
            return Zero;
        }

        if (x.Hi > 709.7)
        {
            return PositiveInfinity;
        }

        // x = k ln2 + r, |r| <= ln2 / 2; e^x = 2^k (1 + expm1(r)).
        double k = Math.Round(x.Hi / Ln2.Hi);
        var r = x - (Ln2 * k);
        var m = ReducedExpm1(r);
        var y = One + m;
        return new DoubleDouble(Math.ScaleB(y.Hi, (int)k), Math.ScaleB(y.Lo, (int)k));
    }

    /// <summary><c>e^x - 1</c> with full relative precision near 0.</summary>
    public static DoubleDouble Expm1(DoubleDouble x)
    {
        if (Math.Abs(x.Hi) < 0.5)
        {
            return ReducedExpm1(x);
        }

        return x.IsNegativeInfinity ? -One : Exp(x) - One;
    }

    /// <summary><c>log x</c> for <c>x &gt; 0</c>; -inf for 0, +inf for +inf.</summary>
    public static DoubleDouble Log(DoubleDouble x)
    {
        if (x.Hi == 0.0)
        {
            return NegativeInfinity;
        }

        if (x.Hi < 0.0 || double.IsNaN(x.Hi))
        {
            return new DoubleDouble(double.NaN);
        }

        if (x.IsPositiveInfinity)
        {
            return PositiveInfinity;
        }

        // Keep x and e^-y inside the normal range: log x = log(x 2^s) - s ln2.
        int shift = x.Hi < 1e-280 ? 600 : (x.Hi > 1e280 ? -600 : 0);
        if (shift != 0)
        {
            x = new DoubleDouble(Math.ScaleB(x.Hi, shift), Math.ScaleB(x.Lo, shift));
        }

        // One Newton step on e^y = x from the double logarithm (53 -> 106 bits): y <- y + x e^-y - 1.
        DoubleDouble y = Math.Log(x.Hi);
        y = y + (x * Exp(-y)) - One;

        return shift == 0 ? y : y - (Ln2 * shift);
    }

    /// <summary><c>log(1 + x)</c> with full relative precision near 0 (series in <c>w = x / (2 + x)</c>).</summary>
    public static DoubleDouble Log1p(DoubleDouble x)
    {
        if (Math.Abs(x.Hi) > 1e-2)
        {
            return Log(One + x);
        }

        // log(1 + x) = 2 atanh(w) = 2 (w + w^3/3 + w^5/5 + ...), |w| < 0.0051.
        var w = x / (new DoubleDouble(2.0) + x);
        var w2 = w * w;
        var term = w;
        var sum = w;
        for (int n = 3; n < 41; n += 2)
        {
            term *= w2;
            var add = term / n;
            sum += add;
            if (Math.Abs(add.Hi) <= 1e-34 * Math.Abs(sum.Hi))
            {
                break;
            }
        }

        return sum * 2.0;
    }

    /// <summary><c>1 / n!</c> for n = 0..15 in double-double (computed once by exact long division).</summary>
    private static readonly DoubleDouble[] InverseFactorials = MakeInverseFactorials();

    private static DoubleDouble[] MakeInverseFactorials()
    {
        var result = new DoubleDouble[16];
        result[0] = One;
        for (int n = 1; n < result.Length; n++)
        {
            result[n] = result[n - 1] / n;
        }

        return result;
    }

    /// <summary>
    /// <c>e^x - 1</c> for <c>|x| &lt;= 0.5</c>: Taylor series of <c>e^s - 1</c> at <c>s = x / 2^8</c> (<c>|s| &lt; 2e-3</c>, terms to
    /// <c>s^12 / 12!</c> &lt; 1e-41), squared back up with <c>m &lt;- m (2 + m)</c>, which keeps relative precision.
    /// </summary>
    private static DoubleDouble ReducedExpm1(DoubleDouble x)
    {
        const int Halvings = 8;
        var s = new DoubleDouble(Math.ScaleB(x.Hi, -Halvings), Math.ScaleB(x.Lo, -Halvings));
        var power = s;
        var sum = s;
        for (int n = 2; n <= 12; n++)
        {
            power *= s;
            sum += power * InverseFactorials[n];
        }

        for (int i = 0; i < Halvings; i++)
        {
            sum *= sum + 2.0;
        }

        return sum;
    }

    private static double TwoSum(double a, double b, out double err)
    {
        double s = a + b;
        double bb = s - a;
        err = (a - (s - bb)) + (b - bb);
        return s;
    }

    private static double QuickTwoSum(double a, double b, out double err)
    {
        double s = a + b;
        err = b - (s - a);
        return s;
    }

    private static double TwoProd(double a, double b, out double err)
    {
        double p = a * b;
        err = Math.FusedMultiplyAdd(a, b, -p);
        return p;
    }
}
