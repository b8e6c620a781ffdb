// Pure: a summary of an `MLmodel` file (the YAML that mlflow/models/model.py writes at a model's root; signature
// columns as mlflow/types/schema.py encodes them) for the model panel: flavors, signature, input example,
// environment files. No `vscode` import.
import * as yaml from 'js-yaml';

export interface SignatureField {
  name?: string;
  type: string;
  required: boolean;
}

export interface SignatureParam {
  name: string;
  type: string;
  default?: string;
  shape?: string;
}

export interface MlmodelSummary {
  flavors: { name: string; details: [string, string][] }[];
  loaderModule?: string;
  pythonVersion?: string;
  mlflowVersion?: string;
  runId?: string;
  modelId?: string;
  modelUuid?: string;
  artifactPath?: string;
  created?: string;
  sizeBytes?: number;
  signature?: { inputs?: SignatureField[]; outputs?: SignatureField[]; params?: SignatureParam[] };
  inputExample?: { path: string; type?: string; pandasOrient?: string; servingInputPath?: string };
  /** Environment files the model names (conda.yaml, python_env.yaml), plus requirements.txt. */
  envFiles: string[];
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (v === null || v === undefined ? undefined : typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : JSON.stringify(v));

/** A readable type for one column/tensor/param spec of an MLflow signature. */
export function describeType(spec: unknown): string {
  if (!isObj(spec)) return str(spec) ?? 'any';
  const t = str(spec.type) ?? 'any';
  if (t === 'tensor' && isObj(spec['tensor-spec'])) {
    const ts = spec['tensor-spec'];
    const shape = Array.isArray(ts.shape) ? ` [${ts.shape.join(', ')}]` : '';
    return `tensor<${str(ts.dtype) ?? '?'}>${shape}`;
  }
  if (t === 'array') return `array<${describeType(spec.items)}>`;
  if (t === 'map') return `map<string, ${describeType(spec.values)}>`;
  if (t === 'object' && isObj(spec.properties)) {
    const props = Object.entries(spec.properties).map(([k, v]) => `${k}${isObj(v) && v.required === false ? '?' : ''}: ${describeType(v)}`);
    return `{${props.join(', ')}}`;
  }
  return t;
}

function parseFields(v: unknown): SignatureField[] | undefined {
  const raw = typeof v === 'string' ? safeJson(v) : v;
  if (!Array.isArray(raw)) return undefined;
  return raw.map((f) => ({
    name: isObj(f) ? str(f.name) : undefined,
    type: describeType(f),
    required: !(isObj(f) && f.required === false),
  }));
}

function parseParams(v: unknown): SignatureParam[] | undefined {
  const raw = typeof v === 'string' ? safeJson(v) : v;
  if (!Array.isArray(raw)) return undefined;
  return raw.filter(isObj).map((p) => ({
    name: str(p.name) ?? '?',
    type: str(p.type) ?? 'any',
    default: p.default === undefined ? undefined : JSON.stringify(p.default),
    shape: Array.isArray(p.shape) ? `[${p.shape.join(', ')}]` : undefined,
  }));
}

function safeJson(s: string): unknown {
  try {
    return JSON.parse(s);
  } catch {
    return undefined;
  }
}

/** Throws on text that is not a YAML mapping. */
export function parseMlmodel(text: string): MlmodelSummary {
  const doc = yaml.load(text, { schema: yaml.JSON_SCHEMA });
  if (!isObj(doc)) throw new Error('MLmodel is not a YAML mapping.');
  const flavors = isObj(doc.flavors) ? doc.flavors : {};
  const pyfunc = isObj(flavors.python_function) ? flavors.python_function : undefined;
  const envFiles = new Set<string>();
  if (pyfunc) {
    const env = pyfunc.env;
    if (typeof env === 'string') envFiles.add(env);
    else if (isObj(env)) for (const v of Object.values(env)) if (typeof v === 'string') envFiles.add(v);
  }
  const sig = isObj(doc.signature) ? doc.signature : undefined;
  const ex = isObj(doc.saved_input_example_info) ? doc.saved_input_example_info : undefined;
  const size = Number(doc.model_size_bytes);
  return {
    flavors: Object.entries(flavors).map(([name, cfg]) => ({
      name,
      details: isObj(cfg) ? Object.entries(cfg).filter(([, v]) => v !== null && v !== undefined).map(([k, v]) => [k, isObj(v) ? Object.entries(v).map(([a, b]) => `${a}: ${str(b)}`).join(', ') : (str(v) ?? '')]) : [],
    })),
    loaderModule: pyfunc ? str(pyfunc.loader_module) : undefined,
    pythonVersion: pyfunc ? str(pyfunc.python_version) : undefined,
    mlflowVersion: str(doc.mlflow_version),
    runId: str(doc.run_id),
    modelId: str(doc.model_id),
    modelUuid: str(doc.model_uuid),
    artifactPath: str(doc.artifact_path),
    created: str(doc.utc_time_created),
    sizeBytes: Number.isFinite(size) && doc.model_size_bytes !== undefined && doc.model_size_bytes !== null ? size : undefined,
    signature: sig ? { inputs: parseFields(sig.inputs), outputs: parseFields(sig.outputs), params: parseParams(sig.params) } : undefined,
    inputExample: ex && typeof ex.artifact_path === 'string'
      ? { path: ex.artifact_path, type: str(ex.type), pandasOrient: str(ex.pandas_orient), servingInputPath: str(ex.serving_input_path) }
      : undefined,
    envFiles: [...envFiles],
  };
}

/** Requirement lines without comments and blanks. */
export function parseRequirements(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((l) => l.replace(/(^|\s)#.*$/, '').trim())
    .filter(Boolean);
}
