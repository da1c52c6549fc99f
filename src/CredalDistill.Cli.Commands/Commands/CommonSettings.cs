using System.ComponentModel;
using Spectre.Console.Cli;

namespace CredalDistill.Cli.Commands;

/// <summary>Options shared by every command.</summary>
public class CommonSettings : CommandSettings
{
    /// <summary><c>--verbose</c>: show stack traces of errors.</summary>
    [CommandOption("--verbose")]
    [Description("Show the full exception (with stack trace) when an error occurs.")]
    [DefaultValue(false)]
    public bool Verbose { get; set; }
}
