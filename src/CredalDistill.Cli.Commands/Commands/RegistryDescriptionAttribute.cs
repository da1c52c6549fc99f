using System.ComponentModel;
using CredalDistill.Calibration;
using CredalDistill.Divergences;

namespace CredalDistill.Cli.Commands;

/// <summary>
/// An option's help text that names the core's registries, filled in when help is shown, so the help never lists a
/// method, output or divergence the code does not have: <c>{methods}</c> (the method names), <c>{method-summaries}</c>
/// (each method with what it does), <c>{label-methods}</c> (the methods that fit to labels), <c>{outputs}</c> (every
/// output kind) and <c>{divergences}</c>.
/// </summary>
/// <param name="template">The help text with placeholders.</param>
[AttributeUsage(AttributeTargets.Property)]
internal sealed class RegistryDescriptionAttribute(string template) : DescriptionAttribute
{
    /// <inheritdoc />
    public override string Description => template
        .Replace("{methods}", CalibrationMethods.Names, StringComparison.Ordinal)
        .Replace("{method-summaries}", string.Join(" ", CalibrationMethods.Saved.Select(m => $"{m.Name}: {m.Summary}")), StringComparison.Ordinal)
        .Replace("{label-methods}", string.Join(", ", CalibrationMethods.Saved.Where(m => m.NeedsLabels).Select(m => m.Name)), StringComparison.Ordinal)
        .Replace("{outputs}", CalibratedOutputNames.All, StringComparison.Ordinal)
        .Replace("{divergences}", Divergence.Names, StringComparison.Ordinal);
}
