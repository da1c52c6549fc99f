using System.Globalization;
using Spectre.Console;
using Spectre.Console.Cli;
using Spectre.Console.Cli.Help;
using Spectre.Console.Rendering;

namespace CredalDistill.Cli;

/// <summary>
/// The help of <c>credal</c>. Spectre's default provider reads every description as markup, so a description with a
/// bracket (<c>"Level in [0, 1]"</c>) threw at <c>--help</c>; here every description is plain text. Options are listed
/// required first (each marked "Required."), then the command's own, then the shared flags; options that a command
/// does not use (<see cref="NotApplicable"/>) are left out.
/// </summary>
internal sealed class CredalHelpProvider : HelpProvider
{
    /// <summary>Options a command inherits from shared settings but rejects, by command name.</summary>
    internal static readonly IReadOnlyDictionary<string, string[]> NotApplicable = new Dictionary<string, string[]>(StringComparer.Ordinal)
    {
        ["predict"] = ["cloud-logits"],
        ["defer"] = ["cloud-logits"],
    };

    /// <summary>Options declared by the shared settings (listed after a command's own options).</summary>
    private static readonly HashSet<string> Shared = new(StringComparer.Ordinal) { "verbose", "logits", "edge-logits", "cloud-logits", "renormalize", "mc-samples", "sign-key" };

    private readonly bool _showDefaults;

    /// <summary>Creates the provider with the application's settings.</summary>
    public CredalHelpProvider(ICommandAppSettings settings)
        : base(settings)
    {
        _showDefaults = settings.ShowOptionDefaultValues;
    }

    /// <inheritdoc />
    public override IEnumerable<IRenderable> GetDescription(ICommandModel model, ICommandInfo? command)
    {
        if (command?.Description is not string description)
        {
            yield break;
        }

        yield return new Text("DESCRIPTION:\n" + description.TrimEnd('.') + "\n\n");
    }

    /// <inheritdoc />
    public override IEnumerable<IRenderable> GetCommands(ICommandModel model, ICommandInfo? command)
    {
        ArgumentNullException.ThrowIfNull(model);
        var commands = (command ?? (ICommandContainer)model).Commands.Where(c => !c.IsHidden).ToList();
        if (commands.Count == 0)
        {
            return [];
        }

        var grid = NewGrid(2);
        foreach (var child in commands)
        {
            grid.AddRow(new Text(child.Name), new Text((child.Description ?? string.Empty).TrimEnd('.')));
        }

        return [new Text("\nCOMMANDS:\n"), grid];
    }

    /// <inheritdoc />
    public override IEnumerable<IRenderable> GetOptions(ICommandModel model, ICommandInfo? command)
    {
        ArgumentNullException.ThrowIfNull(model);
        string[] hidden = command is not null && NotApplicable.TryGetValue(command.Name, out var h) ? h : [];
        var options = (command?.Parameters.OfType<ICommandOption>() ?? [])
            .Where(o => !o.IsHidden && !hidden.Contains(o.LongNames.FirstOrDefault() ?? string.Empty, StringComparer.Ordinal))
            .Select((o, i) => (Option: o, Order: i))
            .OrderBy(x => x.Option.IsRequired ? 0 : Shared.Contains(x.Option.LongNames.FirstOrDefault() ?? string.Empty) ? 2 : 1)
            .ThenBy(x => x.Order)
            .Select(x => x.Option)
            .ToList();

        var rows = new List<(string Name, string Default, string Description)>();
        foreach (var o in options)
        {
            string name = (o.ShortNames.FirstOrDefault() is string s ? $"-{s}, " : "    ") + "--" + o.LongNames.FirstOrDefault()
                + (o.ValueName is string v ? (o.ValueIsOptional == true ? $" [{v}]" : $" <{v}>") : string.Empty);
            string description = (o.Description ?? string.Empty).TrimEnd('.');
            if (o.IsRequired)
            {
                description = "Required. " + description;
            }

            rows.Add((name, DefaultText(o), description));
        }

        rows.Add(("-h, --help", string.Empty, "Prints help information"));
        if (command is null && model.ApplicationVersion is not null)
        {
            rows.Add(("-v, --version", string.Empty, "Prints version information"));
        }

        bool defaults = _showDefaults && rows.Any(r => r.Default.Length > 0);
        var grid = NewGrid(defaults ? 3 : 2);
        if (defaults)
        {
            grid.AddRow(new Text(string.Empty), new Text("DEFAULT"), new Text(string.Empty));
        }

        foreach (var (name, value, description) in rows)
        {
            grid.AddRow(defaults ? [new Text(name), new Text(value), new Text(description)] : [new Text(name), new Text(description)]);
        }

        return [new Text("\nOPTIONS:\n"), grid];
    }

    private static string DefaultText(ICommandOption option)
        => option.DefaultValue?.Value switch
        {
            null or "" => string.Empty,
            bool => string.Empty,
            IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
            object x => x.ToString() ?? string.Empty,
        };

    private static Grid NewGrid(int columns)
    {
        var grid = new Grid();
        grid.AddColumn(new GridColumn { Padding = new Padding(4, 0, 4, 0), NoWrap = true });
        for (int c = 1; c < columns - 1; c++)
        {
            grid.AddColumn(new GridColumn { Padding = new Padding(0, 0, 4, 0), NoWrap = true });
        }

        grid.AddColumn(new GridColumn { Padding = new Padding(0, 0) });
        return grid;
    }
}
