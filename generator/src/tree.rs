//! What a node of the raw JSON tree is, judged from where it stands: a schema, a map of
//! schemas, a plain OpenAPI object, or data (examples, defaults, enums, extensions) whose
//! `$ref` keys are values, not references. The bundler and the 3.1 normaliser both walk the
//! tree with this, so that neither touches an example that happens to hold `$ref` or `type`.

/// The role of a node.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Node {
    /// The document itself.
    Root,
    /// `components`.
    Components,
    /// A map whose values are path items: `paths`, `webhooks`, a callback,
    /// `components.pathItems`.
    PathItems,
    /// A map of callbacks (each a map of path items).
    Callbacks,
    /// A path item.
    PathItem,
    /// A schema (or a list of schemas, for `items` in old tuple form).
    Schema,
    /// A map whose values are schemas (`properties`, `components.schemas`, `$defs`...).
    SchemaMap,
    /// A list of schemas (`allOf`, `oneOf`, `anyOf`, `prefixItems`).
    SchemaList,
    /// A map whose values are plain OpenAPI objects (`responses`, `content`, `headers`...).
    NamedMap,
    /// A map of example objects.
    Examples,
    /// An example object (its `value` is data).
    Example,
    /// Any other OpenAPI object, or a list of them.
    Other,
    /// A discriminator object.
    Discriminator,
    /// A discriminator's `mapping`: its values are schema names or references.
    Mapping,
    /// Data: not OpenAPI structure; never looked into.
    Data,
}

impl Node {
    /// The role of the value under `key` of an object of this role.
    pub fn child(self, key: &str) -> Node {
        // Extensions, where the object has named fields; in maps keyed by names (a header
        // `x-request-id`, a property `x-y`), `x-` is just the start of a name.
        let is_object = !matches!(
            self,
            Node::SchemaMap | Node::NamedMap | Node::Examples | Node::Callbacks
        );
        // `x-webhooks` at the root is the 3.0 spelling of 3.1's `webhooks`.
        if is_object && key.starts_with("x-") && !(self == Node::Root && key == "x-webhooks") {
            return Node::Data;
        }
        match self {
            Node::Root => match key {
                "paths" | "webhooks" | "x-webhooks" => Node::PathItems,
                "components" => Node::Components,
                _ => Node::Other,
            },
            Node::Components => match key {
                "schemas" => Node::SchemaMap,
                "examples" => Node::Examples,
                "pathItems" => Node::PathItems,
                "callbacks" => Node::Callbacks,
                _ => Node::NamedMap,
            },
            Node::PathItems => Node::PathItem,
            Node::Callbacks => Node::PathItems,
            Node::PathItem | Node::Other => match key {
                "schema" => Node::Schema,
                "example" | "default" | "enum" => Node::Data,
                "examples" => Node::Examples,
                "callbacks" => Node::Callbacks,
                "content" | "headers" | "responses" | "links" | "encoding" | "variables" => {
                    Node::NamedMap
                }
                _ => Node::Other,
            },
            Node::NamedMap => Node::Other,
            Node::Examples => Node::Example,
            Node::Example => match key {
                "value" => Node::Data,
                _ => Node::Other,
            },
            Node::Schema => match key {
                "properties" | "patternProperties" | "$defs" | "definitions"
                | "dependentSchemas" => Node::SchemaMap,
                "allOf" | "anyOf" | "oneOf" | "prefixItems" => Node::SchemaList,
                "items"
                | "additionalProperties"
                | "not"
                | "contains"
                | "if"
                | "then"
                | "else"
                | "propertyNames"
                | "unevaluatedItems"
                | "unevaluatedProperties"
                | "additionalItems"
                | "contentSchema" => Node::Schema,
                "discriminator" => Node::Discriminator,
                "xml" | "externalDocs" => Node::Other,
                _ => Node::Data,
            },
            Node::SchemaMap | Node::SchemaList => Node::Schema,
            Node::Discriminator => match key {
                "mapping" => Node::Mapping,
                _ => Node::Data,
            },
            Node::Mapping | Node::Data => Node::Data,
        }
    }

    /// The role of the items of a list of this role.
    pub fn item(self) -> Node {
        match self {
            Node::Schema | Node::SchemaList => Node::Schema,
            Node::Data | Node::Discriminator | Node::Mapping => Node::Data,
            _ => Node::Other,
        }
    }

    /// Whether the node is a schema.
    pub fn is_schema(self) -> bool {
        self == Node::Schema
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn role(path: &[&str]) -> Node {
        path.iter().fold(Node::Root, |node, key| {
            if key.parse::<usize>().is_ok() {
                node.item()
            } else {
                node.child(key)
            }
        })
    }

    #[test]
    fn roles_follow_the_structure() {
        assert_eq!(role(&["components", "schemas", "Pet"]), Node::Schema);
        assert_eq!(
            role(&["components", "schemas", "Pet", "properties", "x-y"]),
            Node::Schema
        );
        assert_eq!(
            role(&["components", "schemas", "Pet", "example"]),
            Node::Data
        );
        assert_eq!(
            role(&[
                "paths",
                "/a",
                "get",
                "responses",
                "200",
                "content",
                "application/json",
                "schema",
                "allOf",
                "0",
                "items"
            ]),
            Node::Schema
        );
        assert_eq!(
            role(&["paths", "/a", "get", "parameters", "0", "schema"]),
            Node::Schema
        );
        assert_eq!(
            role(&["components", "responses", "schema"]),
            Node::Other,
            "a response named `schema` is not a schema"
        );
        assert_eq!(
            role(&[
                "paths",
                "/a",
                "post",
                "requestBody",
                "content",
                "a/b",
                "examples",
                "e",
                "value"
            ]),
            Node::Data
        );
        assert_eq!(role(&["paths", "/a", "x-anything"]), Node::Data);
        assert_eq!(role(&["components", "schemas", "A", "enum"]), Node::Data);
        assert_eq!(
            role(&[
                "paths",
                "/a",
                "get",
                "responses",
                "200",
                "headers",
                "x-request-id"
            ]),
            Node::Other
        );
    }
}
