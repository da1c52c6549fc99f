using CredalDistill.DeviceChecks;

// Usage (from the repository root; .ci/run runs these):
//   third-party OUTDIR        a small linear ONNX classifier (input x [N, 6], output logits [N, 4]), calibration
//                             artifacts and inputs; then `credal export` each artifact, then:
//   third-party-expected OUTDIR   the library's outputs for those inputs and artifacts (expected.json)
//   web-prepare OUTDIR        FMNIST-3 cloud/edge logits of the calibration images (CSV, for `credal calibrate --logits`)
//                             and the page's test images (images.json)
//   web-expected OUTDIR EPS... the library's outputs on the page's images for each artifact cal-eps<EPS>.json (expected.json)
return args switch
{
    ["third-party", string dir] => ThirdParty.Prepare(dir),
    ["third-party-expected", string dir] => ThirdParty.Expected(dir),
    ["web-prepare", string dir] => WebFixtures.Prepare(dir),
    ["web-expected", string dir, .. var eps] when eps.Length > 0 => WebFixtures.Expected(dir, eps),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: DeviceChecks third-party DIR | third-party-expected DIR | web-prepare DIR | web-expected DIR EPS...");
    return 2;
}
