// Checks the output of `./goxec publish k8s` against the Kubernetes OpenAPI schemas that
// kubernetes-models ships (no cluster needed), including the ConfigMaps and Secrets kustomize
// would generate and the references between them.
//   node validate.mjs DIR      exit 0 and "N objects valid", or exit 1 with every problem
import { readFileSync, existsSync } from "node:fs";
import { join } from "node:path";
import { parseAllDocuments } from "yaml";

const dir = process.argv[2];
if (!dir) { console.error("usage: node validate.mjs DIR"); process.exit(2); }
const problems = [];
const objects = [];

const readYaml = (file) =>
  parseAllDocuments(readFileSync(join(dir, file), "utf8")).map((doc) => {
    if (doc.errors.length) problems.push(`${file}: ${doc.errors.map((e) => e.message).join("; ")}`);
    return doc.toJS();
  }).filter((doc) => doc !== null);

const readEnv = (file) => {
  const path = join(dir, file);
  if (!existsSync(path)) { problems.push(`kustomization.yaml names ${file}, which does not exist`); return {}; }
  return Object.fromEntries(readFileSync(path, "utf8").split("\n")
    .filter((line) => line && !line.startsWith("#"))
    .map((line) => [line.slice(0, line.indexOf("=")), line.slice(line.indexOf("=") + 1)]));
};

const [kustomization] = readYaml("kustomization.yaml");
const allowed = ["apiVersion", "kind", "labels", "resources", "configMapGenerator", "secretGenerator"];
for (const key of Object.keys(kustomization)) if (!allowed.includes(key)) problems.push(`kustomization.yaml: unexpected key '${key}'`);
if (kustomization.kind !== "Kustomization") problems.push("kustomization.yaml: kind is not Kustomization");

for (const file of kustomization.resources ?? []) {
  if (!existsSync(join(dir, file))) { problems.push(`kustomization.yaml names ${file}, which does not exist`); continue; }
  for (const obj of readYaml(file)) objects.push({ file, obj });
}
// What kustomize generates, so its objects are checked too.
for (const gen of kustomization.configMapGenerator ?? [])
  objects.push({ file: "configMapGenerator", obj: { apiVersion: "v1", kind: "ConfigMap", metadata: { name: gen.name }, data: Object.assign({}, ...gen.envs.map(readEnv)) } });
for (const gen of kustomization.secretGenerator ?? [])
  objects.push({
    file: "secretGenerator",
    obj: {
      apiVersion: "v1", kind: "Secret", type: "Opaque", metadata: { name: gen.name },
      data: Object.fromEntries(Object.entries(Object.assign({}, ...gen.envs.map(readEnv))).map(([k, v]) => [k, Buffer.from(v).toString("base64")])),
    },
  });

for (const { file, obj } of objects) {
  const [group, version] = obj.apiVersion.includes("/") ? obj.apiVersion.split("/") : [null, obj.apiVersion];
  const module = `kubernetes-models/${group ? `${group}/` : ""}${version}/${obj.kind}`;
  let Model;
  try { Model = (await import(module))[obj.kind]; }
  catch { problems.push(`${file}: unknown kind ${obj.apiVersion} ${obj.kind}`); continue; }
  try { new Model(obj).validate(); }
  catch (e) { problems.push(`${file}: ${obj.kind} ${obj.metadata?.name}: ${e.message}`); }
}

// Every envFrom reference names a generated ConfigMap or Secret.
const names = (kind) => new Set(objects.filter((o) => o.obj.kind === kind).map((o) => o.obj.metadata.name));
const configMaps = names("ConfigMap"), secrets = names("Secret");
for (const { file, obj } of objects) {
  for (const c of obj.spec?.template?.spec?.containers ?? []) {
    for (const source of c.envFrom ?? []) {
      if (source.configMapRef && !configMaps.has(source.configMapRef.name)) problems.push(`${file}: ${c.name} reads ConfigMap ${source.configMapRef.name}, which nothing generates`);
      if (source.secretRef && !secrets.has(source.secretRef.name)) problems.push(`${file}: ${c.name} reads Secret ${source.secretRef.name}, which nothing generates`);
    }
  }
}

if (problems.length) { for (const p of problems) console.error(p); process.exit(1); }
console.log(`${objects.length} objects valid`);
