//! Builds the schema from the catalog and the type declarations: one object
//! per table with its columns, relations and `Node` id, one connection type
//! per table, root connections and `node` / `nodes`.

use std::sync::Arc;

use async_graphql::{
    Value,
    dynamic::{
        Enum, Field, FieldFuture, FieldValue, InputObject, InputValue, Interface, InterfaceField,
        Object, ResolverContext, Schema, SchemaError, Subscription, TypeRef,
    },
};
use auth::policy::FieldAccess;

use crate::{
    catalog::{self, Rel, TypeSpec},
    compiled::Root,
    connection::{self, Page, PageArgs, PageLimits},
    context::{RequestCtx, Shared, load, req, require_access, shared},
    error::ApiError,
    filter, ids,
    loader::{CountKey, RowKey},
    table::{AnyRow, Catalog, TableOps},
    value,
};

/// Limits the schema enforces.
#[derive(Clone, Copy, Debug)]
pub struct SchemaOptions {
    pub max_depth: usize,
    pub max_complexity: usize,
    pub page: PageLimits,
    /// Answer table-backed root fields with one compiled statement each.
    pub compiled_reads: bool,
}

/// The built schema and what requests need to run against it.
#[derive(Clone)]
pub struct Api {
    pub schema: Schema,
    catalog: Arc<Catalog>,
}

impl Api {
    /// The per-request data: the principal and a loader confined to the
    /// scope's tenant and read rules.
    pub fn request_ctx(&self, scope: store::Scope) -> RequestCtx {
        RequestCtx::new(scope, self.catalog.clone())
    }
}

/// `filter` and `orderBy` on a list of `type_name`.
fn list_arguments(field: Field, type_name: &str) -> Field {
    field
        .argument(
            InputValue::new("filter", TypeRef::named(format!("{type_name}Filter")))
                .description("Only items meeting these conditions."),
        )
        .argument(
            InputValue::new(
                "orderBy",
                TypeRef::named_nn_list(format!("{type_name}Order")),
            )
            .description(
                "Sort keys, before the default order; the id breaks remaining ties. NULLs sort \
                 last both ways. Text sorts by Unicode code point on every installation: \
                 `Alpha` < `Zulu` < `_x` < `apple` < `Ähre`.",
            ),
        )
}

fn row<'a>(ctx: &ResolverContext<'a>) -> async_graphql::Result<&'a AnyRow> {
    let parent: &'a FieldValue<'a> = ctx.parent_value;
    parent.try_downcast_ref::<AnyRow>()
}

fn column_fields(obj: Object, spec: &TypeSpec, ops: &dyn TableOps) -> Object {
    let mut obj = obj.field(
        Field::new("id", TypeRef::named_nn(TypeRef::ID), {
            let ty = spec.type_name;
            move |ctx| {
                FieldFuture::new(
                    async move { Ok(Some(Value::from(ids::encode(ty, row(&ctx)?.id())))) },
                )
            }
        })
        .description("Opaque global id (use with `node(id:)`)."),
    );
    for col in ops.columns() {
        let secret = auth::policy::SECRET_COLUMNS.contains(&(spec.table, col.name));
        if col.name == "id" || col.name == "tenant_id" || secret {
            continue;
        }
        let ty = col.type_ref(col.nullable || auth::policy::is_restricted(spec.table, col.name));
        let (table, name, meta) = (spec.table, col.name, col.clone());
        let mut field = Field::new(value::camel(name), ty, move |ctx| {
            let meta = meta.clone();
            FieldFuture::new(async move {
                let principal = &req(&ctx)?.principal;
                let v = row(&ctx)?.get(name).unwrap_or(sea_orm::Value::Int(None));
                Ok(match auth::policy::field_access(table, name, principal) {
                    FieldAccess::Visible => meta.field_value(v),
                    FieldAccess::Hidden => None,
                    FieldAccess::Redacted(keys) => meta.field_value(value::redact(v, keys)),
                })
            })
        });
        if let Some(d) = spec.column_doc(name) {
            field = field.description(d);
        }
        obj = obj.field(field);
    }
    obj
}

fn relation_field(rel: &Rel, target_type: &'static str) -> Field {
    match *rel {
        Rel::One {
            field,
            column,
            target,
            doc,
        } => Field::new(field, TypeRef::named(target_type), move |ctx| {
            FieldFuture::new(async move {
                require_access(&ctx, target)?;
                // async-graphql's dynamic executor resolves a nested
                // object's fields one after another, so a row that skipped
                // this load would start its next relation a batch early and
                // split that batch. A NULL reference waits on the same batch
                // (with a key that costs no SQL) to keep siblings in step.
                let fk = row(&ctx)?.uuid(column).unwrap_or(crate::loader::NO_ROW);
                let rows = load(&ctx, RowKey::id(target, fk)).await?;
                Ok(rows.first().cloned().map(FieldValue::owned_any))
            })
        })
        .description(doc),
        Rel::Many {
            field,
            column,
            target,
            doc,
        } => list_arguments(
            connection::page_arguments(Field::new(
                field,
                TypeRef::named_nn(format!("{target_type}Connection")),
                move |ctx| {
                    FieldFuture::new(async move {
                        require_access(&ctx, target)?;
                        let sh = shared(&ctx)?;
                        let args = PageArgs::from_ctx(&ctx, sh.page)?;
                        let principal = &req(&ctx)?.principal;
                        let columns = sh.ops(target)?.columns();
                        let list =
                            filter::list_query(&ctx.args, principal, columns, target, target_type)?;
                        let value = row(&ctx)?.id();
                        let query = args.query(list.clone());
                        let with_total = ctx.look_ahead().field("totalCount").exists();
                        let loader = &req(&ctx)?.loader;
                        let page_key = RowKey::page(target, column, value, query.clone());
                        let count_key = CountKey {
                            table: target,
                            column,
                            value,
                            list: list.clone(),
                        };
                        // Both in the same batch as the siblings' pages.
                        let (rows, total) = futures::join!(loader.load_one(page_key), async {
                            match with_total {
                                true => loader.load_one(count_key).await.map(|n| n.or(Some(0))),
                                false => Ok(None),
                            }
                        });
                        let rows = rows.map_err(|e| ApiError::clone(&e))?.unwrap_or_default();
                        let total = total.map_err(|e| ApiError::clone(&e))?;
                        let page = Page::of(target_type, rows.to_vec(), &query, total, |r| {
                            sh.cursor(r, &list)
                        });
                        Ok(Some(FieldValue::owned_any(page)))
                    })
                },
            )),
            target_type,
        )
        .description(doc),
    }
}

fn root_connection(spec: &TypeSpec, field: &'static str) -> Field {
    let (table, ty) = (spec.table, spec.type_name);
    list_arguments(
        connection::page_arguments(Field::new(
            field,
            TypeRef::named_nn(format!("{ty}Connection")),
            move |ctx| {
                FieldFuture::new(async move {
                    require_access(&ctx, table)?;
                    let sh = shared(&ctx)?;
                    let r = req(&ctx)?;
                    if let Some(answer) = compiled(&ctx, Root::Connection(table)).await? {
                        return Ok(Some(answer));
                    }
                    let args = PageArgs::from_ctx(&ctx, sh.page)?;
                    let columns = sh.ops(table)?.columns();
                    let list = filter::list_query(&ctx.args, &r.principal, columns, table, ty)?;
                    let query = args.query(list.clone());
                    let with_total = ctx.look_ahead().field("totalCount").exists();
                    let ops = sh.ops(table)?;
                    let (rows, total) = ops.page(&r.scope, query.clone(), with_total).await?;
                    let page = Page::of(ty, rows, &query, total, |row| sh.cursor(row, &list));
                    Ok(Some(FieldValue::owned_any(page)))
                })
            },
        )),
        ty,
    )
    .description(spec.description)
}

/// The root field in `ctx` answered by one compiled statement, when
/// compiled reads are on and the compiler covers its selection.
async fn compiled(
    ctx: &ResolverContext<'_>,
    root: Root<'_>,
) -> async_graphql::Result<Option<FieldValue<'static>>> {
    let sh = shared(ctx)?;
    if !sh.compiled_reads {
        return Ok(None);
    }
    let r = req(ctx)?;
    Ok(crate::compiled::answer(ctx, sh, r, root).await?)
}

async fn node_by_id(
    ctx: &ResolverContext<'_>,
    global: &str,
) -> async_graphql::Result<Option<FieldValue<'static>>> {
    let sh = shared(ctx)?;
    let Some((ty, id)) = ids::decode(global) else {
        return Err(ApiError::bad_input(format!("{global:?} is not a valid id")).into());
    };
    let Some(spec) = sh.spec_by_type(&ty) else {
        return Ok(None);
    };
    let rows = load(ctx, RowKey::id(spec.table, id)).await?;
    Ok(rows
        .first()
        .cloned()
        .map(|r| FieldValue::owned_any(r).with_type(spec.type_name)))
}

/// Builds the schema. Requests need a [`RequestCtx`] in their data.
pub fn build(options: SchemaOptions) -> Result<Api, SchemaError> {
    let (catalog, specs) = catalog::catalog().map_err(SchemaError)?;
    let sh = Arc::new(Shared {
        catalog: Arc::new(catalog),
        specs,
        page: options.page,
        compiled_reads: options.compiled_reads,
    });
    let mut query = Object::new("Query").description("Read the tenant's data.");
    let mut builder_types: Vec<Object> = vec![connection::page_info_type()];
    builder_types.extend(catalog::JSON_OBJECTS.iter().map(|o| o.object_type()));
    let (filter_inputs, sort_direction) = filter::shared_types();
    let mut inputs: Vec<InputObject> = filter_inputs;
    let mut column_enums: Vec<&entity::enums::EnumDef> =
        entity::enums::COLUMNS.iter().map(|(_, _, d)| *d).collect();
    column_enums.sort_by_key(|d| d.name);
    column_enums.dedup_by_key(|d| d.name);
    inputs.extend(column_enums.into_iter().map(filter::enum_filter));
    inputs.extend(catalog::list_enums().map(|d| filter::list_filter(d.name)));
    let mut enums: Vec<Enum> = vec![sort_direction];
    enums.extend(entity::enums::ALL.iter().map(|d| value::enum_type(d)));
    for spec in &sh.specs {
        let ops = sh.ops(spec.table).map_err(|e| SchemaError(e.message))?;
        let mut obj = Object::new(spec.type_name)
            .description(spec.description)
            .implement("Node");
        obj = column_fields(obj, spec, ops.as_ref());
        for c in catalog::computed(spec.table) {
            let get = c.value;
            obj = obj.field(
                Field::new(c.name, TypeRef::named(c.type_name), move |ctx| {
                    FieldFuture::new(async move {
                        let row = row(&ctx)?;
                        Ok(Some(get(&|name| row.get(name))))
                    })
                })
                .description(c.doc),
            );
        }
        for rel in &spec.relations {
            obj = obj.field(relation_field(rel, sh.type_of(rel.target())));
        }
        builder_types.push(obj);
        builder_types.extend(connection::connection_types(spec.type_name));
        let (f, fields, order) = filter::table_types(spec.type_name, ops.columns(), |c| {
            auth::policy::SECRET_COLUMNS.contains(&(spec.table, c))
        });
        inputs.extend([f, order]);
        enums.push(fields);
        if let Some(field) = spec.root_field {
            query = query.field(root_connection(spec, field));
        }
    }
    query = query.field(
        Field::new("node", TypeRef::named("Node"), |ctx| {
            FieldFuture::new(async move {
                if let Some(answer) = compiled(&ctx, Root::Node).await? {
                    return Ok(Some(answer));
                }
                let id = ctx.args.try_get("id")?.string()?.to_owned();
                node_by_id(&ctx, &id).await
            })
        })
        .argument(
            InputValue::new("id", TypeRef::named_nn(TypeRef::ID))
                .description("A global id, as any object's `id` field gives it."),
        )
        .description("Any object by its global id; null if it does not exist or is not visible."),
    );
    query = query.field(
        Field::new(
            "nodes",
            TypeRef::NonNull(Box::new(TypeRef::List(Box::new(TypeRef::named("Node"))))),
            |ctx| {
                FieldFuture::new(async move {
                    if let Some(answer) = compiled(&ctx, Root::Nodes).await? {
                        return Ok(Some(answer));
                    }
                    let max = shared(&ctx)?.page.max_size;
                    let list = ctx.args.try_get("ids")?.list()?;
                    if list.len() > max {
                        return Err(ApiError::bad_input(format!("at most {max} ids")).into());
                    }
                    let ids = list
                        .iter()
                        .map(|v| v.string().map(str::to_owned))
                        .collect::<Result<Vec<_>, _>>()?;
                    let found =
                        futures::future::try_join_all(ids.iter().map(|id| node_by_id(&ctx, id)))
                            .await?;
                    Ok(Some(FieldValue::list(
                        found.into_iter().map(|n| n.unwrap_or(FieldValue::NULL)),
                    )))
                })
            },
        )
        .argument(
            InputValue::new("ids", TypeRef::named_nn_list_nn(TypeRef::ID))
                .description("Global ids (at most the maximum page size)."),
        )
        .description(
            "Objects by their global ids, in the same order; null in place of any that does not \
             exist or is not visible.",
        ),
    );
    let parts = crate::ops::MODULES.iter().fold(
        crate::ops::Parts {
            query,
            mutation: Object::new("Mutation").description("Change the tenant's data."),
            subscription: Subscription::new("Subscription").description(
                "Live updates over WebSocket (`graphql-transport-ws` or the older `graphql-ws` \
                 protocol on `/graphql`), sent when a change commits and re-read through your \
                 own access rules each time.",
            ),
            objects: vec![],
            inputs: vec![],
            enums: vec![],
        },
        |parts, module| module(parts),
    );
    builder_types.extend(parts.objects);
    inputs.extend(parts.inputs);
    enums.extend(parts.enums);
    let node = Interface::new("Node")
        .description("An object with a global id (Relay).")
        .field(
            InterfaceField::new("id", TypeRef::named_nn(TypeRef::ID))
                .description("Opaque global id (use with `node(id:)`)."),
        );
    let mut builder = Schema::build("Query", Some("Mutation"), Some("Subscription"))
        .register(node)
        .register(parts.mutation)
        .register(parts.subscription)
        // Not `limit_depth`: introspection is held to its own rule (depth.rs).
        .extension(crate::depth::DepthLimit(options.max_depth))
        .limit_complexity(options.max_complexity)
        .data(sh.clone());
    for s in value::scalars() {
        builder = builder.register(s);
    }
    for t in builder_types {
        builder = builder.register(t);
    }
    for t in inputs {
        builder = builder.register(t);
    }
    for t in enums {
        builder = builder.register(t);
    }
    let schema = builder.register(parts.query).finish()?;
    Ok(Api {
        schema,
        catalog: sh.catalog.clone(),
    })
}
