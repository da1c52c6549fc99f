namespace CredalDistill.Calibration;

/// <summary>The stable names of <see cref="MapShape"/> and <see cref="MapObjective"/> (artifact fields, CLI and reports).</summary>
public static class MapShapes
{
    /// <summary>The stable name: <c>identity</c>, <c>temperature</c>, <c>vector</c> or <c>matrix</c>.</summary>
    public static string Name(MapShape shape) => shape switch
    {
        MapShape.Identity => "identity",
        MapShape.Temperature => "temperature",
        MapShape.Vector => "vector",
        MapShape.Matrix => "matrix",
        _ => throw new ArgumentOutOfRangeException(nameof(shape), shape, "Unknown map shape."),
    };

    /// <summary>The stable name: <c>nll</c>, <c>ece</c> or <c>distilled-kl</c>.</summary>
    public static string Name(MapObjective objective) => objective switch
    {
        MapObjective.NegativeLogLikelihood => "nll",
        MapObjective.ExpectedCalibrationError => "ece",
        MapObjective.DistilledKullbackLeibler => "distilled-kl",
        _ => throw new ArgumentOutOfRangeException(nameof(objective), objective, "Unknown map objective."),
    };

    /// <summary>Parses a shape name; false for anything else.</summary>
    public static bool TryParse(string? name, out MapShape shape)
    {
        foreach (var s in Enum.GetValues<MapShape>())
        {
            if (Name(s) == name)
            {
                shape = s;
                return true;
            }
        }

        shape = MapShape.Identity;
        return false;
    }

    /// <summary>Parses an objective name; false for anything else.</summary>
    public static bool TryParse(string? name, out MapObjective objective)
    {
        foreach (var o in Enum.GetValues<MapObjective>())
        {
            if (Name(o) == name)
            {
                objective = o;
                return true;
            }
        }

        objective = MapObjective.NegativeLogLikelihood;
        return false;
    }
}
