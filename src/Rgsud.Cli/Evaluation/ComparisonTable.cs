using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Rgsud.Cli.Output;
using Rgsud.IO;
using Spectre.Console;

namespace Rgsud.Cli.Evaluation;

/// <summary>
/// The table of the demo and the ablation: one row per arm (the rainy input first), mean PSNR/SSIM on Y and,
/// when computed, mean NIQE. Printed to the console, as Markdown and as JSON
/// <c>{"rows":[{"name","psnr","ssim","niqe"}]}</c>.
/// </summary>
internal sealed class ComparisonTable(string title, IReadOnlyList<ArmScores> rows, string? niqeNote)
{
    /// <summary>The caption (data set, budget).</summary>
    public string Title { get; } = title;

    /// <summary>The rows, input first.</summary>
    public IReadOnlyList<ArmScores> Rows { get; } = rows;

    /// <summary>Which NIQE model was used (null: no NIQE column).</summary>
    public string? NiqeNote { get; } = niqeNote;

    private bool HasNiqe => NiqeNote is not null && Rows.Any(r => r.Niqe is not null);

    /// <summary>Writes the table to the console (rounded borders on a terminal, Markdown-style otherwise).</summary>
    public void Print(CliConsole console)
    {
        // Redirected output gets the title as its own line: Spectre wraps a title to the table's width.
        var table = new Table { Border = console.Interactive ? TableBorder.Rounded : TableBorder.Markdown };
        if (console.Interactive) table.Title = new TableTitle(Markup.Escape(Title));
        else console.Out.WriteLine(Title);
        table.AddColumn("method");
        table.AddColumn(new TableColumn("PSNR (dB, Y)").RightAligned());
        table.AddColumn(new TableColumn("SSIM (Y)").RightAligned());
        if (HasNiqe) table.AddColumn(new TableColumn(Markup.Escape($"NIQE ({NiqeNote})")).RightAligned());
        foreach (var r in Rows)
        {
            var cells = new List<string> { Markup.Escape(r.Name), F(r.Psnr, "F2"), F(r.Ssim, "F4") };
            if (HasNiqe) cells.Add(F(r.Niqe, "F3"));
            table.AddRow(cells.ToArray());
        }
        console.Ansi().Write(table);
    }

    /// <summary>The table as Markdown (with its title as a heading).</summary>
    public string ToMarkdown()
    {
        var sb = new StringBuilder();
        sb.Append("## ").Append(Title).Append("\n\n");
        sb.Append("| method | PSNR (dB, Y) | SSIM (Y) |");
        if (HasNiqe) sb.Append(" NIQE (").Append(NiqeNote).Append(", lower is better) |");
        sb.Append('\n').Append("| --- | ---: | ---: |");
        if (HasNiqe) sb.Append(" ---: |");
        sb.Append('\n');
        foreach (var r in Rows)
        {
            sb.Append("| ").Append(r.Name).Append(" | ").Append(F(r.Psnr, "F2")).Append(" | ").Append(F(r.Ssim, "F4")).Append(" |");
            if (HasNiqe) sb.Append(' ').Append(F(r.Niqe, "F3")).Append(" |");
            sb.Append('\n');
        }
        return sb.ToString();
    }

    /// <summary>Writes <c>{"rows":[{"name","psnr","ssim","niqe"}]}</c> (niqe null when not computed; non-finite numbers as null).</summary>
    public void WriteJson(string path)
    {
        var rows = new JsonArray(Rows.Select(r => (JsonNode)new JsonObject
        {
            ["name"] = r.Name,
            ["psnr"] = Finite(r.Psnr),
            ["ssim"] = Finite(r.Ssim),
            ["niqe"] = r.Niqe is { } n ? Finite(n) : null,
        }).ToArray());
        var root = new JsonObject { ["title"] = Title, ["niqeModel"] = NiqeNote, ["rows"] = rows };
        AtomicFile.WriteAllText(path, root.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
    }

    private static JsonNode? Finite(double v) => double.IsFinite(v) ? JsonValue.Create(v) : null;

    private static string F(double? v, string format) => v is { } x && double.IsFinite(x) ? x.ToString(format, CultureInfo.InvariantCulture) : "-";
}
