using DD = CredalDistill.Tests.Support.DoubleDouble;

namespace CredalDistill.Tests.Support;

/// <summary>The test-only double-double functions against 50-digit values (Python <c>decimal</c>, prec 50).</summary>
public class DoubleDoubleTests
{
    [Theory]
    [InlineData("exp", "1", "2.7182818284590452353602874713526624977572470937000")]
    [InlineData("exp", "0.638", "1.8926917079807227031576996523978214742331512214840")]
    [InlineData("exp", "-700", "9.8596765437597708567053729478494651051156001814009e-305")]
    [InlineData("expm1", "0.3", "0.3498588075760031039837443133280073303782996973594")]
    [InlineData("expm1", "1e-5", "0.0000100000500001666670833341666680555575396850198")]
    [InlineData("log", "2", "0.69314718055994530941723212145817656807550013436026")]
    [InlineData("log", "1000", "6.9077552789821370520539743640530926228033044658863")]
    [InlineData("log", "1e-20", "-46.051701859880913680359829093687284152022029772575")]
    [InlineData("log1p", "1e-20", "9.9999999999999999999500000000000000000003333333333e-21")]
    public void Functions_are_accurate_to_30_digits(string function, string x, string expected)
    {
        var arg = DD.Parse(x);
        var got = function switch
        {
            "exp" => DD.Exp(arg),
            "expm1" => DD.Expm1(arg),
            "log" => DD.Log(arg),
            _ => DD.Log1p(arg),
        };
        var want = DD.Parse(expected);
        double error = Math.Abs((double)(got - want)) / Math.Abs((double)want);
        Assert.True(error < 1e-29, $"{function}({x}) = {got}, want {want}, relative error {error:E2}");
    }
}
