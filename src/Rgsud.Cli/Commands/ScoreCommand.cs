using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Rgsud.Cli.Output;
using Rgsud.Imaging;
using Rgsud.IO;
using Rgsud.Rewards.Scorers;
using static TorchSharp.torch;

namespace Rgsud.Cli.Commands;

/// <summary><c>rgsud score</c>: no-reference scores of an image or a folder with a reward scorer.</summary>
internal static class ScoreCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create(CliConsole console)
    {
        var scorer = new Option<string>("--scorer") { Description = "Scorer: niqe, critic, daclip, ensemble:niqe+critic.", Required = true };
        var model = new Option<string?>("--model")
        {
            Description = "niqe: a pristine model (official niqe_pris_params.npz or a fitted .json); critic: a saved critic folder; " +
                "daclip: DA-CLIP weights converted with tools/convert_daclip.py (.safetensors).",
        };
        var input = new Option<string>("--input") { Description = "An image file or a folder of images.", Required = true };
        var json = new Option<string?>("--json") { Description = "Write {\"scorer\",\"lowerIsBetter\",\"images\":[{\"name\",\"score\"}],\"mean\"} here." };
        var command = new Command("score", "Score images with a no-reference reward scorer (per image and mean).") { scorer, model, input, json };
        command.SetAction(parseResult => console.Guard(() => Run(console, parseResult.GetValue(scorer)!, parseResult.GetValue(model),
            parseResult.GetValue(input)!, parseResult.GetValue(json))));
        return command;
    }

    private static int Run(CliConsole console, string spec, string? model, string input, string? jsonPath)
    {
        var files = Directory.Exists(input) ? ImageIO.ListImages(input).ToList()
            : File.Exists(input) ? [input] : throw new RgsudFileException(input, "no such file or folder");
        if (files.Count == 0) throw new RgsudFileException(input, "the folder holds no images");
        var context = new ScorerContext { NiqeModelPath = model, CriticPath = model, DaclipWeightsPath = model };
        var scorer = ScorerCatalog.Create(spec, context);
        try
        {
            var rows = new List<(string Name, double Score)>();
            foreach (var file in files)
            {
                using var scope = NewDisposeScope();
                var image = ImageIO.Read(file);
                using var score = scorer.Score(image);
                rows.Add((Path.GetFileNameWithoutExtension(file), score.to(float64).item<double>()));
                console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{Path.GetFileName(file)}\t{rows[^1].Score:F6}"));
            }
            double mean = rows.Average(r => r.Score);
            bool lower = scorer.Direction == Rgsud.Abstractions.ScoreDirection.LowerIsBetter;
            console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"mean ({rows.Count})\t{mean:F6}\t({scorer.Name}, {(lower ? "lower" : "higher")} is better)"));
            if (jsonPath is not null)
            {
                var images = new JsonArray(rows.Select(r => (JsonNode)new JsonObject { ["name"] = r.Name, ["score"] = Finite(r.Score) }).ToArray());
                var report = new JsonObject { ["scorer"] = spec, ["lowerIsBetter"] = lower, ["images"] = images, ["mean"] = Finite(mean) };
                AtomicFile.WriteAllText(jsonPath, report.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
                console.Out.WriteLine($"scores written to {jsonPath}");
            }
            return CliApp.Success;
        }
        finally
        {
            (scorer as IDisposable)?.Dispose();
        }
    }

    private static JsonNode? Finite(double v) => double.IsFinite(v) ? JsonValue.Create(v) : null;
}
