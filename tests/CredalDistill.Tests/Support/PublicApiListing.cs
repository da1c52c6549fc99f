using System.Globalization;
using System.Reflection;
using System.Text;

namespace CredalDistill.Tests.Support;

/// <summary>
/// Lists the public API of an assembly by reflection, one line per type and one indented line per public or protected
/// member, in a stable order, as C#-like signatures (with nullable reference annotations). Used by the public-API
/// snapshot tests of the core and of CredalDistill.Onnx (this file is linked into both test projects).
/// </summary>
internal static class PublicApiListing
{
    private const BindingFlags Declared = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;

    /// <summary>The listing of every exported type of <paramref name="assembly"/>.</summary>
    public static string Generate(Assembly assembly)
    {
        var sb = new StringBuilder();
        foreach (Type type in assembly.GetExportedTypes().OrderBy(t => t.FullName, StringComparer.Ordinal))
        {
            sb.Append(TypeHeader(type)).Append('\n');
            foreach (string member in Members(type).Order(StringComparer.Ordinal))
            {
                sb.Append("    ").Append(member).Append('\n');
            }
        }

        return sb.ToString();
    }

    /// <summary>
    /// Compares a listing with the committed snapshot <paramref name="snapshotPath"/>. When the environment variable
    /// <c>UPDATE_PUBLIC_API=1</c> is set the snapshot is rewritten instead and the check passes.
    /// </summary>
    /// <returns>Null when equal (or updated), otherwise a readable diff: removed (<c>-</c>) and added (<c>+</c>) lines under their type.</returns>
    public static string? Compare(string actual, string snapshotPath)
    {
        if (Environment.GetEnvironmentVariable("UPDATE_PUBLIC_API") == "1")
        {
            File.WriteAllText(snapshotPath, actual);
            return null;
        }

        string expected = File.Exists(snapshotPath) ? File.ReadAllText(snapshotPath).ReplaceLineEndings("\n") : string.Empty;
        if (expected == actual)
        {
            return null;
        }

        HashSet<string> before = [.. Qualified(expected)];
        HashSet<string> after = [.. Qualified(actual)];
        var diff = new StringBuilder();
        diff.Append("The public API differs from ").Append(Path.GetFileName(snapshotPath))
            .Append(". If the change is intended, run the tests with UPDATE_PUBLIC_API=1 and commit the file.\n");
        foreach (string line in before.Where(l => !after.Contains(l)))
        {
            diff.Append("- ").Append(line).Append('\n');
        }

        foreach (string line in after.Where(l => !before.Contains(l)))
        {
            diff.Append("+ ").Append(line).Append('\n');
        }

        return diff.ToString();
    }

    /// <summary>The repository file <paramref name="relativePath"/>, found by walking up from the test binaries to the solution.</summary>
    public static string RepositoryFile(string relativePath)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "CredalDistill.slnx")))
            {
                return Path.Combine(dir.FullName, relativePath);
            }
        }

        throw new DirectoryNotFoundException($"CredalDistill.slnx not found above {AppContext.BaseDirectory}.");
    }

    /// <summary>Each member line prefixed with its type header, so that a diff line says where it belongs.</summary>
    private static IEnumerable<string> Qualified(string listing)
    {
        string type = string.Empty;
        foreach (string line in listing.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            if (line.StartsWith("    ", StringComparison.Ordinal))
            {
                yield return type + " :: " + line.Trim();
            }
            else
            {
                type = line;
                yield return line;
            }
        }
    }

    private static string TypeHeader(Type t)
    {
        string kind = t.IsEnum ? "enum" : t.IsInterface ? "interface" : t.IsValueType ? "struct" : typeof(Delegate).IsAssignableFrom(t) ? "delegate" : "class";
        if (t.GetMethod("PrintMembers", BindingFlags.NonPublic | BindingFlags.Public | BindingFlags.Instance) is not null)
        {
            kind = t.IsValueType ? "record struct" : "record";
        }

        var modifiers = new List<string>();
        if (t.IsValueType && t.GetCustomAttributes().Any(a => a.GetType().Name == "IsReadOnlyAttribute"))
        {
            modifiers.Add("readonly");
        }

        if (t.IsValueType && t.GetCustomAttributes().Any(a => a.GetType().Name == "IsByRefLikeAttribute"))
        {
            modifiers.Add("ref");
        }

        if (kind is "class" or "record")
        {
            if (t.IsAbstract && t.IsSealed)
            {
                modifiers.Add("static");
            }
            else if (t.IsAbstract)
            {
                modifiers.Add("abstract");
            }
            else if (t.IsSealed)
            {
                modifiers.Add("sealed");
            }
        }

        var bases = new List<string>();
        if (kind is "class" or "record" && t.BaseType is { } b && b != typeof(object))
        {
            bases.Add(Name(b));
        }

        if (t.IsEnum)
        {
            bases.Add(Name(Enum.GetUnderlyingType(t)));
        }
        else if (kind != "delegate")
        {
            bases.AddRange(t.GetInterfaces().Where(i => i.IsPublic || i.IsNestedPublic).Select(Name).Order(StringComparer.Ordinal));
        }

        string header = string.Join(' ', modifiers.Append(kind).Append(Name(t)));
        return bases.Count == 0 ? header : header + " : " + string.Join(", ", bases);
    }

    private static IEnumerable<string> Members(Type t)
    {
        var nullability = new NullabilityInfoContext();
        if (t.IsEnum)
        {
            foreach (FieldInfo f in t.GetFields(BindingFlags.Public | BindingFlags.Static))
            {
                yield return $"{f.Name} = {Literal(f.GetRawConstantValue())}";
            }

            yield break;
        }

        if (typeof(Delegate).IsAssignableFrom(t))
        {
            MethodInfo invoke = t.GetMethod("Invoke")!;
            yield return $"{ReturnType(invoke, nullability)} Invoke({Parameters(invoke, nullability)})";
            yield break;
        }

        foreach (MemberInfo m in t.GetMembers(Declared).Where(Visible))
        {
            switch (m)
            {
                case ConstructorInfo c when !c.IsStatic:
                    yield return $"{Access(c)} {Name(t)}({Parameters(c, nullability)})";
                    break;
                case MethodInfo method when !method.IsSpecialName || method.Name.StartsWith("op_", StringComparison.Ordinal):
                    yield return $"{Access(method)}{Modifiers(method)} {ReturnType(method, nullability)} {method.Name}{GenericArguments(method)}({Parameters(method, nullability)})";
                    break;
                case PropertyInfo p:
                    yield return Property(p, nullability);
                    break;
                case FieldInfo f:
                    yield return Field(f, nullability);
                    break;
                case EventInfo e:
                    yield return $"{Access(e.AddMethod!)}{(e.AddMethod!.IsStatic ? " static" : string.Empty)} event {Name(e.EventHandlerType!)} {e.Name}";
                    break;
            }
        }
    }

    private static bool Visible(MemberInfo m)
    {
        if (m.Name.StartsWith('<'))
        {
            return false;
        }

        return m switch
        {
            MethodBase b => b.IsPublic || b.IsFamily || b.IsFamilyOrAssembly,
            FieldInfo f => f.IsPublic || f.IsFamily || f.IsFamilyOrAssembly,
            PropertyInfo p => new[] { p.GetMethod, p.SetMethod }.Any(a => a is not null && Visible(a)),
            EventInfo e => e.AddMethod is not null && Visible(e.AddMethod),
            _ => false,
        };
    }

    private static string Access(MethodBase m) => m.IsPublic ? "public" : "protected";

    private static string Modifiers(MethodInfo m)
    {
        if (m.IsStatic)
        {
            return " static";
        }

        if (m.IsAbstract)
        {
            return m.DeclaringType!.IsInterface ? string.Empty : " abstract";
        }

        if (m.IsVirtual && !m.IsFinal)
        {
            return m.GetBaseDefinition().DeclaringType == m.DeclaringType ? " virtual" : " override";
        }

        return m.IsVirtual && m.GetBaseDefinition().DeclaringType != m.DeclaringType ? " sealed override" : string.Empty;
    }

    private static string Property(PropertyInfo p, NullabilityInfoContext nullability)
    {
        MethodInfo accessor = new[] { p.GetMethod, p.SetMethod }.First(a => a is not null && Visible(a))!;
        var parts = new List<string>();
        if (p.GetMethod is { } g && Visible(g))
        {
            parts.Add("get;");
        }

        if (p.SetMethod is { } s && Visible(s))
        {
            bool init = s.ReturnParameter.GetRequiredCustomModifiers().Any(x => x.Name == "IsExternalInit");
            parts.Add(init ? "init;" : "set;");
        }

        ParameterInfo[] index = p.GetIndexParameters();
        string name = index.Length == 0 ? p.Name : $"this[{string.Join(", ", index.Select(i => $"{Name(i.ParameterType)} {i.Name}"))}]";
        string type = p.PropertyType.IsByRefLike || p.PropertyType.IsByRef ? Name(p.PropertyType) : Annotated(p.PropertyType, nullability.Create(p));
        return $"{Access(accessor)}{Modifiers(accessor)} {type} {name} {{ {string.Join(' ', parts)} }}";
    }

    private static string Field(FieldInfo f, NullabilityInfoContext nullability)
    {
        string access = f.IsPublic ? "public" : "protected";
        if (f.IsLiteral)
        {
            return $"{access} const {Name(f.FieldType)} {f.Name} = {Literal(f.GetRawConstantValue())}";
        }

        string modifiers = (f.IsStatic ? " static" : string.Empty) + (f.IsInitOnly ? " readonly" : string.Empty);
        return $"{access}{modifiers} {Annotated(f.FieldType, nullability.Create(f))} {f.Name}";
    }

    private static string ReturnType(MethodInfo m, NullabilityInfoContext nullability)
    {
        Type type = m.ReturnType;
        return type.IsByRef || type.IsByRefLike || type.IsPointer ? Name(type) : Annotated(type, nullability.Create(m.ReturnParameter));
    }

    private static string Parameters(MethodBase m, NullabilityInfoContext nullability) =>
        string.Join(", ", m.GetParameters().Select(p =>
        {
            Type type = p.ParameterType;
            string prefix = type.IsByRef ? (p.IsOut ? "out " : p.IsIn ? "in " : "ref ") : p.GetCustomAttributes().Any(a => a.GetType().Name == "ParamArrayAttribute") ? "params " : string.Empty;
            Type element = type.IsByRef ? type.GetElementType()! : type;
            string typeName = element.IsByRefLike || element.IsPointer || type.IsByRef ? Name(element) : Annotated(element, nullability.Create(p));
            string text = $"{prefix}{typeName} {p.Name}";
            if (!p.HasDefaultValue)
            {
                return text;
            }

            Type valueType = Nullable.GetUnderlyingType(element) ?? element;
            return p.RawDefaultValue is { } value && valueType.IsEnum
                ? $"{text} = {Name(valueType)}.{Enum.ToObject(valueType, value)}"
                : $"{text} = {(p.RawDefaultValue is null && valueType.IsValueType && valueType == element ? "default" : Literal(p.RawDefaultValue))}";
        }));

    private static string GenericArguments(MethodInfo m) =>
        m.IsGenericMethodDefinition ? "<" + string.Join(", ", m.GetGenericArguments().Select(a => a.Name)) + ">" : string.Empty;

    private static string Literal(object? value) => value switch
    {
        null => "null",
        string s => "\"" + s + "\"",
        bool b => b ? "true" : "false",
        char c => "'" + c + "'",
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        float f => f.ToString("R", CultureInfo.InvariantCulture),
        IFormattable x => x.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "?",
    };

    /// <summary>The type name with a trailing <c>?</c> on nullable reference types (top level and generic arguments).</summary>
    private static string Annotated(Type type, NullabilityInfo info)
    {
        if (type.IsGenericType && !type.IsGenericTypeDefinition && Nullable.GetUnderlyingType(type) is null && info.GenericTypeArguments.Length == type.GetGenericArguments().Length)
        {
            string name = StripArity(type.GetGenericTypeDefinition());
            string args = string.Join(", ", type.GetGenericArguments().Select((a, i) => Annotated(a, info.GenericTypeArguments[i])));
            return $"{name}<{args}>" + (info.ReadState == NullabilityState.Nullable && !type.IsValueType ? "?" : string.Empty);
        }

        if (type.IsArray && info.ElementType is { } elementInfo)
        {
            return Annotated(type.GetElementType()!, elementInfo) + "[" + new string(',', type.GetArrayRank() - 1) + "]" + (info.ReadState == NullabilityState.Nullable ? "?" : string.Empty);
        }

        string plain = Name(type);
        return !type.IsValueType && info.ReadState == NullabilityState.Nullable ? plain + "?" : plain;
    }

    private static string Name(Type t)
    {
        if (t.IsByRef)
        {
            return Name(t.GetElementType()!);
        }

        if (t.IsPointer)
        {
            return Name(t.GetElementType()!) + "*";
        }

        if (t.IsArray)
        {
            return Name(t.GetElementType()!) + "[" + new string(',', t.GetArrayRank() - 1) + "]";
        }

        if (t.IsGenericParameter)
        {
            return t.Name;
        }

        if (Nullable.GetUnderlyingType(t) is { } underlying)
        {
            return Name(underlying) + "?";
        }

        string? keyword = Keyword(t);
        if (keyword is not null)
        {
            return keyword;
        }

        string name = StripArity(t);
        if (t.IsGenericType)
        {
            name += "<" + string.Join(", ", t.GetGenericArguments().Select(Name)) + ">";
        }

        return name;
    }

    /// <summary>Namespace-qualified name without the generic arity suffix; nested types as <c>Outer.Inner</c>.</summary>
    private static string StripArity(Type t)
    {
        string name = t.Name;
        int tick = name.IndexOf('`', StringComparison.Ordinal);
        if (tick >= 0)
        {
            name = name[..tick];
        }

        return t.IsNested ? StripArity(t.DeclaringType!) + "." + name : (t.Namespace is null ? name : t.Namespace + "." + name);
    }

    private static string? Keyword(Type t) => t.IsEnum ? null : Type.GetTypeCode(t) switch
    {
        TypeCode.Boolean => "bool",
        TypeCode.Byte => "byte",
        TypeCode.SByte => "sbyte",
        TypeCode.Char => "char",
        TypeCode.Int16 => "short",
        TypeCode.UInt16 => "ushort",
        TypeCode.Int32 => "int",
        TypeCode.UInt32 => "uint",
        TypeCode.Int64 => "long",
        TypeCode.UInt64 => "ulong",
        TypeCode.Single => "float",
        TypeCode.Double => "double",
        TypeCode.Decimal => "decimal",
        TypeCode.String => "string",
        _ when t == typeof(object) => "object",
        _ when t == typeof(void) => "void",
        _ => null,
    };
}
