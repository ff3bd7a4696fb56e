package main

import (
	"fmt"
	"reflect"

	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25"
	"github.com/vmware/govmomi/vim25/methods"
	"github.com/vmware/govmomi/vim25/soap"
	"github.com/vmware/govmomi/vim25/types"
)

// acceptManagedObjectType lets the simulator decode what pyvmomi sends for a managed object in an
// xsd:anyType field, such as the removeKey of a DRS or Storage DRS VM override:
// <removeKey xsi:type="ManagedObject" type="VirtualMachine">vm-42</removeKey>. vCenter takes it; the
// simulator knows only "ManagedObjectReference", decodes nil, and its ReconfigureComputeResource_Task
// panics on the nil key (the client sees a dropped connection).
func acceptManagedObjectType() {
	types.Add("ManagedObject", reflect.TypeOf((*types.ManagedObjectReference)(nil)).Elem())
}

// FetchResponse is the answer to PropertyCollector.Fetch (the XML element's name is the type's name).
type FetchResponse struct {
	Returnval types.AnyType `xml:"returnval,omitempty,typeattr"`
}

type fetchBody struct {
	Res    *FetchResponse `xml:"FetchResponse,omitempty"`
	Fault_ *soap.Fault    `xml:"http://schemas.xmlsoap.org/soap/envelope/ Fault,omitempty"`
}

func (b *fetchBody) Fault() *soap.Fault { return b.Fault_ }

// propertyCollector replaces the simulator's root PropertyCollector (the simulator clones its type for
// each session). pyvmomi 8.0.1 and later read a property with Fetch; the simulator's Fetch panics when
// the property is unset (vm.snapshot of a VM without snapshots, for one), and the client sees a dropped
// connection. Here an unset property is answered as vCenter answers it: an empty FetchResponse.
type propertyCollector struct {
	simulator.PropertyCollector
}

func installPropertyCollector(model *simulator.Model) error {
	ref := model.ServiceContent.PropertyCollector
	if _, ok := simulator.Map.Get(ref).(*simulator.PropertyCollector); !ok {
		return fmt.Errorf("the simulator has no PropertyCollector at %s", ref.Value)
	}
	pc := &propertyCollector{}
	pc.Self = ref
	simulator.Map.Put(pc)
	return nil
}

// Fetch takes the simulator's internal Fetch request type (which a package outside the simulator
// cannot name) as an interface and reads its This and Prop fields.
func (pc *propertyCollector) Fetch(ctx *simulator.Context, req interface{}) soap.HasFault {
	request := reflect.ValueOf(req).Elem()
	this, _ := request.FieldByName("This").Interface().(types.ManagedObjectReference)
	prop, _ := request.FieldByName("Prop").Interface().(string)

	if this != vim25.ServiceInstance && ctx.Map.Get(this) != nil {
		res := pc.RetrievePropertiesEx(ctx, &types.RetrievePropertiesEx{
			SpecSet: []types.PropertyFilterSpec{{
				PropSet:   []types.PropertySpec{{Type: this.Type, PathSet: []string{prop}}},
				ObjectSet: []types.ObjectSpec{{Obj: this}},
			}},
		})
		if res.Fault() == nil {
			result := res.(*methods.RetrievePropertiesExBody).Res.Returnval
			if result == nil || len(result.Objects) == 0 || (len(result.Objects[0].PropSet) == 0 && len(result.Objects[0].MissingSet) == 0) {
				return &fetchBody{Res: &FetchResponse{}}
			}
		}
	}
	original := reflect.ValueOf(&pc.PropertyCollector).MethodByName("Fetch")
	return original.Call([]reflect.Value{reflect.ValueOf(ctx), reflect.ValueOf(req)})[0].Interface().(soap.HasFault)
}
